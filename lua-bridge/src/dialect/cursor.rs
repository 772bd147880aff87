//! A position in the token list, with the look-ahead the scanner and the type grammar need.
//!
//! Every access is checked: past the end, the cursor sees no token (`None`), so no input can
//! make it index out of bounds.

use super::DialectError;
use super::lexer::{Keyword, Kind, Token, Tokens};

#[derive(Debug, Clone)]
pub(super) struct Cursor<'a> {
    src: &'a str,
    tokens: &'a Tokens,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(src: &'a str, tokens: &'a Tokens) -> Self {
        Cursor {
            src,
            tokens,
            pos: 0,
        }
    }

    /// The token `offset` places ahead of the current one.
    pub(super) fn token_at(&self, offset: usize) -> Option<&'a Token> {
        self.tokens.list.get(self.pos.checked_add(offset)?)
    }

    /// The kind of the token `offset` places ahead of the current one.
    pub(super) fn kind_at(&self, offset: usize) -> Option<Kind> {
        self.token_at(offset).map(|t| t.kind)
    }

    /// The kind of the current token.
    pub(super) fn kind(&self) -> Option<Kind> {
        self.kind_at(0)
    }

    /// Whether the current token is `kind`.
    pub(super) fn at(&self, kind: Kind) -> bool {
        self.kind() == Some(kind)
    }

    /// Whether the current token is the `<` of `<=` or `<<` written together, which
    /// Lua's lexer (and Wippy's) reads as one operator: after a cast (`n :: number <= 3`)
    /// it is a comparison or a shift, not the opening of type arguments.
    pub(super) fn at_lt_operator(&self) -> bool {
        match (self.token_at(0), self.token_at(1)) {
            (Some(lt), Some(next)) => {
                lt.kind == Kind::Lt
                    && matches!(next.kind, Kind::Assign | Kind::Lt)
                    && next.start == lt.end
            }
            _ => false,
        }
    }

    /// Whether the token `offset` ahead is the name `text`.
    pub(super) fn is_name_at(&self, offset: usize, text: &str) -> bool {
        self.token_at(offset)
            .is_some_and(|t| t.kind == Kind::Name && self.text(t) == text)
    }

    /// Whether the token `offset` ahead is a name or a keyword (what may name a table field).
    pub(super) fn is_word_at(&self, offset: usize) -> bool {
        matches!(self.kind_at(offset), Some(Kind::Name | Kind::Keyword(_)))
    }

    /// The token before the current one.
    pub(super) fn prev(&self) -> Option<&'a Token> {
        self.tokens.list.get(self.pos.checked_sub(1)?)
    }

    /// Moves to the next token.
    pub(super) fn bump(&mut self) {
        if self.pos < self.tokens.list.len() {
            self.pos += 1;
        }
    }

    /// Moves past the current token if it is `kind`.
    pub(super) fn eat(&mut self, kind: Kind) -> bool {
        let found = self.at(kind);
        if found {
            self.bump();
        }
        found
    }

    /// Where the current token starts (the end of the source past the last token).
    pub(super) fn start(&self) -> usize {
        self.token_at(0).map_or(self.src.len(), |t| t.start)
    }

    /// Where the token before the current one ends.
    pub(super) fn prev_end(&self) -> usize {
        self.prev().map_or(0, |t| t.end)
    }

    /// The line of the current token (the last line past the last token).
    pub(super) fn line(&self) -> usize {
        self.token_at(0).map_or(self.tokens.eof_line, |t| t.line)
    }

    /// The source text of a token.
    pub(super) fn text(&self, token: &Token) -> &'a str {
        self.src.get(token.start..token.end).unwrap_or_default()
    }

    /// The current token as an error message shows it.
    pub(super) fn describe(&self) -> String {
        match self.token_at(0) {
            None => "end of input".to_owned(),
            Some(t) => format!("`{}`", self.text(t)),
        }
    }

    /// An error at the current token: "`what`, found `<token>`".
    pub(super) fn error(&self, what: &str) -> DialectError {
        DialectError::new(self.line(), format!("{what}, found {}", self.describe()))
    }
}

/// Whether an expression can end with `token`, so that what follows it (`::`, `!`, `as`)
/// applies to that expression, or a new statement may start after it.
pub(super) fn ends_expression(token: &Token) -> bool {
    matches!(
        token.kind,
        Kind::Name
            | Kind::Number
            | Kind::String
            | Kind::RParen
            | Kind::RBracket
            | Kind::RBrace
            | Kind::Ellipsis
            | Kind::Keyword(Keyword::Nil | Keyword::True | Keyword::False | Keyword::End)
    )
}
