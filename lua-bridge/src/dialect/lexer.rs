//! A Lua 5.4 lexer that keeps byte spans and line numbers, and knows the few extra
//! punctuation marks that appear in type annotations (`->`, `?`, `!`, `@`).
//!
//! It only has to split source into tokens well enough to find annotations, so it does not
//! decode strings or numbers. It follows `llex.c` where that matters for token boundaries:
//! long brackets `[==[ ... ]==]`, comments `--` and `--[[ ... ]]`, escapes in quoted strings
//! (including `\z` and escaped newlines), numerals with hex digits and signed exponents, and
//! line counting in which `\r\n` and `\n\r` are one line break.
//!
//! `<` and `>` are always single tokens (so `<=` lexes as `<` `=`, and `>>` as `>` `>`): the
//! scanner never looks inside expressions, and a type like `Array<Array<T>>` then closes
//! without splitting tokens.

use super::DialectError;

/// A Lua keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Keyword {
    And,
    Break,
    Do,
    Else,
    Elseif,
    End,
    False,
    For,
    Function,
    Goto,
    If,
    In,
    Local,
    Nil,
    Not,
    Or,
    Repeat,
    Return,
    Then,
    True,
    Until,
    While,
}

impl Keyword {
    fn from_name(name: &[u8]) -> Option<Keyword> {
        Some(match name {
            b"and" => Keyword::And,
            b"break" => Keyword::Break,
            b"do" => Keyword::Do,
            b"else" => Keyword::Else,
            b"elseif" => Keyword::Elseif,
            b"end" => Keyword::End,
            b"false" => Keyword::False,
            b"for" => Keyword::For,
            b"function" => Keyword::Function,
            b"goto" => Keyword::Goto,
            b"if" => Keyword::If,
            b"in" => Keyword::In,
            b"local" => Keyword::Local,
            b"nil" => Keyword::Nil,
            b"not" => Keyword::Not,
            b"or" => Keyword::Or,
            b"repeat" => Keyword::Repeat,
            b"return" => Keyword::Return,
            b"then" => Keyword::Then,
            b"true" => Keyword::True,
            b"until" => Keyword::Until,
            b"while" => Keyword::While,
            _ => return None,
        })
    }
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// An identifier that is not a keyword (`type`, `export`, `as` are names).
    Name,
    /// A reserved word.
    Keyword(Keyword),
    /// A numeral.
    Number,
    /// A quoted or long-bracket string.
    String,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `:`
    Colon,
    /// `::`
    DoubleColon,
    /// `.`
    Dot,
    /// `...`
    Ellipsis,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// `=` (also the second half of `<=` and `>=`)
    Assign,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `?`
    Question,
    /// `|`
    Pipe,
    /// `&`
    Amp,
    /// `->`
    Arrow,
    /// `!` (not `!=`)
    Bang,
    /// `@`
    At,
    /// Any other operator (`+`, `..`, `==`, `~=`, `//`, `#`, ...) or a character Lua does not know.
    Other,
}

/// One token: its kind, its bytes `start..end` in the source and the line it starts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) line: usize,
}

/// The tokens of a chunk, and the line the chunk ends on.
#[derive(Debug)]
pub(super) struct Tokens {
    pub(super) list: Vec<Token>,
    pub(super) eof_line: usize,
    /// Why the lexer stopped before the end (an unfinished quoted string, long string or
    /// long comment, which Lua cannot read either); `list` then holds the tokens before.
    pub(super) unreadable: Option<DialectError>,
}

/// Splits `src` into tokens, skipping whitespace and comments, up to the end or to the
/// first place Lua's lexer could not read either.
pub(super) fn tokenize(src: &str) -> Tokens {
    let mut lexer = Lexer {
        bytes: src.as_bytes(),
        pos: 0,
        line: 1,
        list: Vec::new(),
    };
    let unreadable = lexer.run().err();
    Tokens {
        list: lexer.list,
        eof_line: lexer.line,
        unreadable,
    }
}

struct Lexer<'s> {
    bytes: &'s [u8],
    pos: usize,
    line: usize,
    list: Vec<Token>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    fn run(&mut self) -> Result<(), DialectError> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            let line = self.line;
            let kind = match c {
                b'\n' | b'\r' => {
                    self.newline();
                    continue;
                }
                b' ' | b'\t' | 0x0b | 0x0c => {
                    self.pos += 1;
                    continue;
                }
                b'-' if self.peek_at(1) == Some(b'-') => {
                    self.comment()?;
                    continue;
                }
                b'"' | b'\'' => {
                    self.quoted(c)?;
                    Kind::String
                }
                b'[' => match self.long_bracket_level() {
                    Some(level) => {
                        self.long_bracket(level, "long string")?;
                        Kind::String
                    }
                    None => self.punct(1, Kind::LBracket),
                },
                b'0'..=b'9' => self.number(),
                b'.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => self.number(),
                c if c.is_ascii_alphabetic() || c == b'_' => self.name(),
                _ => self.symbol(c),
            };
            self.list.push(Token {
                kind,
                start,
                end: self.pos,
                line,
            });
        }
        Ok(())
    }

    /// Consumes one line break: `\n`, `\r`, `\r\n` or `\n\r`.
    fn newline(&mut self) {
        let first = self.peek();
        self.pos += 1;
        let second = self.peek();
        if matches!(second, Some(b'\n' | b'\r')) && second != first {
            self.pos += 1;
        }
        self.line += 1;
    }

    fn punct(&mut self, len: usize, kind: Kind) -> Kind {
        self.pos += len;
        kind
    }

    fn symbol(&mut self, c: u8) -> Kind {
        let next = self.peek_at(1);
        match (c, next) {
            (b'.', Some(b'.')) if self.peek_at(2) == Some(b'.') => self.punct(3, Kind::Ellipsis),
            (b'.', Some(b'.')) => self.punct(2, Kind::Other),
            (b'.', _) => self.punct(1, Kind::Dot),
            (b':', Some(b':')) => self.punct(2, Kind::DoubleColon),
            (b':', _) => self.punct(1, Kind::Colon),
            (b'-', Some(b'>')) => self.punct(2, Kind::Arrow),
            (b'=', Some(b'=')) | (b'~', Some(b'=')) | (b'!', Some(b'=')) | (b'/', Some(b'/')) => {
                self.punct(2, Kind::Other)
            }
            (b'=', _) => self.punct(1, Kind::Assign),
            (b'!', _) => self.punct(1, Kind::Bang),
            (b'(', _) => self.punct(1, Kind::LParen),
            (b')', _) => self.punct(1, Kind::RParen),
            (b']', _) => self.punct(1, Kind::RBracket),
            (b'{', _) => self.punct(1, Kind::LBrace),
            (b'}', _) => self.punct(1, Kind::RBrace),
            (b',', _) => self.punct(1, Kind::Comma),
            (b';', _) => self.punct(1, Kind::Semi),
            (b'<', _) => self.punct(1, Kind::Lt),
            (b'>', _) => self.punct(1, Kind::Gt),
            (b'?', _) => self.punct(1, Kind::Question),
            (b'|', _) => self.punct(1, Kind::Pipe),
            (b'&', _) => self.punct(1, Kind::Amp),
            (b'@', _) => self.punct(1, Kind::At),
            _ => {
                // One whole character, so that token boundaries stay on char boundaries.
                self.pos += 1;
                while self.peek().is_some_and(|b| b & 0xC0 == 0x80) {
                    self.pos += 1;
                }
                Kind::Other
            }
        }
    }

    fn name(&mut self) -> Kind {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        let text = self.bytes.get(start..self.pos).unwrap_or_default();
        Keyword::from_name(text).map_or(Kind::Name, Kind::Keyword)
    }

    /// A numeral, read as `read_numeral` in `llex.c` does: hex digits, dots and signed
    /// exponents, then any letters touching it (which Lua rejects, but they belong to it).
    fn number(&mut self) -> Kind {
        let hex = self.peek() == Some(b'0') && matches!(self.peek_at(1), Some(b'x' | b'X'));
        let exponent: &[u8] = if hex {
            self.pos += 2;
            b"pP"
        } else {
            b"eE"
        };
        while let Some(c) = self.peek() {
            if exponent.contains(&c) {
                self.pos += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
            } else if c.is_ascii_hexdigit() || c == b'.' {
                self.pos += 1;
            } else {
                break;
            }
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        Kind::Number
    }

    /// A string in `quote`s. Escapes are skipped, not decoded.
    fn quoted(&mut self, quote: u8) -> Result<(), DialectError> {
        let line = self.line;
        let unfinished = || DialectError::new(line, "unfinished string");
        self.pos += 1;
        loop {
            match self.peek() {
                None | Some(b'\n' | b'\r') => return Err(unfinished()),
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        None => return Err(unfinished()),
                        Some(b'\n' | b'\r') => self.newline(),
                        Some(b'z') => {
                            self.pos += 1;
                            self.skip_whitespace();
                        }
                        Some(_) => self.pos += 1,
                    }
                }
                Some(c) => {
                    self.pos += 1;
                    if c == quote {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Whitespace, line breaks included (after `\z` in a string).
    fn skip_whitespace(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b'\n' | b'\r' => self.newline(),
                b' ' | b'\t' | 0x0b | 0x0c => self.pos += 1,
                _ => break,
            }
        }
    }

    /// At `[`: the level (number of `=`) if a long bracket `[==[` opens here.
    fn long_bracket_level(&self) -> Option<usize> {
        let mut level = 0;
        loop {
            match self.peek_at(1 + level) {
                Some(b'=') => level += 1,
                Some(b'[') => return Some(level),
                _ => return None,
            }
        }
    }

    /// At `[`, with a long bracket of `level` opening: consumes it up to its closing bracket.
    fn long_bracket(&mut self, level: usize, what: &str) -> Result<(), DialectError> {
        let line = self.line;
        self.pos += level + 2;
        loop {
            match self.peek() {
                None => {
                    return Err(DialectError::new(
                        line,
                        format!("unfinished {what} (it starts on this line and never closes)"),
                    ));
                }
                Some(b'\n' | b'\r') => self.newline(),
                Some(b']') if self.closes_long_bracket(level) => {
                    self.pos += level + 2;
                    return Ok(());
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn closes_long_bracket(&self, level: usize) -> bool {
        (1..=level).all(|i| self.peek_at(i) == Some(b'=')) && self.peek_at(level + 1) == Some(b']')
    }

    /// At `--`: a long comment or the rest of the line.
    fn comment(&mut self) -> Result<(), DialectError> {
        self.pos += 2;
        let long = match self.peek() {
            Some(b'[') => self.long_bracket_level(),
            _ => None,
        };
        if let Some(level) = long {
            return self.long_bracket(level, "long comment");
        }
        while self.peek().is_some_and(|c| c != b'\n' && c != b'\r') {
            self.pos += 1;
        }
        Ok(())
    }
}
