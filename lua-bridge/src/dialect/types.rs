//! The type grammar, just enough of it to know where a type ends.
//!
//! Nothing is built: the parser walks over one type and leaves the cursor on the first token
//! after it. The grammar is the union of Luau's and that of Wippy's own parser
//! (`wippyai/go-lua`, `compiler/parse/parser.go.y`):
//!
//! ```text
//! type      = ['|' | '&'] postfix {('|' | '&') postfix}
//! postfix   = primary {'?' | '[' [type] ']' | '@' Name ['(' ... ')']}
//! primary   = 'nil' | 'true' | 'false' | String | Number
//!           | Name {'.' Name} ['<' [item {',' item}] '>']      -- Point, mod.T, Array<T>
//!           | 'typeof' '(' ... ')' | 'keyof' '(' ... ')'
//!           | 'fun' params [':' item]                          -- fun(a: T): R
//!           | ['readonly' | 'interface'] table
//!           | params ['->' item]                               -- (A, B) or (a: A) -> R
//!           | typeparams params '->' item                      -- <T>(T) -> T
//!           | '...' type                                       -- variadic
//! table     = '{' [field {(',' | ';') field} [',' | ';']] '}'
//! field     = ['read' | 'write'] ('[' type ']' ':' type | Word ['?'] ':' type) | type
//! params    = '(' [[Word ':'] item {',' [Word ':'] item}] ')'
//! item      = type ['...']                                     -- T... is a generic pack
//! typeparams = '<' [Name ['...'] [':' type] ['=' item] {',' ...}] '>'
//! ```
//!
//! A type ends at the first token that cannot continue it. Because no Lua statement starts
//! with `?`, `|`, `&`, `[`, `.`, `<`, `->` or `@`, a type written at the end of a line never
//! swallows the statement on the next one.

use super::DialectError;
use super::cursor::Cursor;
use super::lexer::{Keyword, Kind};

/// How deeply types may nest (`{{{...}}}`). Lua's own parser stops at 200 C levels; this
/// keeps hostile input from exhausting the stack long before that.
const MAX_DEPTH: usize = 100;

/// Skips one type at the cursor.
pub(super) fn skip_type(cur: &mut Cursor<'_>) -> Result<(), DialectError> {
    TypeParser { cur, depth: 0 }.ty()
}

/// Skips the type of a cast (`x :: T`, `x as T`): a type without `|` or `&` at its top,
/// since a cast binds tighter than those operators in Wippy's grammar (go-lua's
/// `parser.go.y` declares `T2Colon` and `TAs` after `'|'` and `'&'`): `mask :: integer |
/// FLAG` is the bitwise or `(mask :: integer) | FLAG`. Unions inside the type (`{A | B}`,
/// `Array<A | B>`) are unaffected.
pub(super) fn skip_cast_type(cur: &mut Cursor<'_>) -> Result<(), DialectError> {
    let mut parser = TypeParser { cur, depth: 0 };
    parser.depth += 1;
    parser.postfix()
}

/// Skips one type or type pack at the cursor: a type, `...T`, `T...` or `(A, B)`, as after
/// a vararg's `...:`.
pub(super) fn skip_type_pack(cur: &mut Cursor<'_>) -> Result<(), DialectError> {
    TypeParser { cur, depth: 0 }.item()
}

/// Skips the return types after a parameter list's `:`: `T`, `(A, B)`, `...T`, or Wippy's
/// list without parentheses, `A, B`.
pub(super) fn skip_return_types(cur: &mut Cursor<'_>) -> Result<(), DialectError> {
    let mut parser = TypeParser { cur, depth: 0 };
    parser.item()?;
    while parser.cur.eat(Kind::Comma) {
        parser.item()?;
    }
    Ok(())
}

/// Skips a generic parameter list `<T, U...>` at the cursor, which is on `<`.
pub(super) fn skip_type_params(cur: &mut Cursor<'_>) -> Result<(), DialectError> {
    TypeParser { cur, depth: 0 }.type_params()
}

struct TypeParser<'c, 'a> {
    cur: &'c mut Cursor<'a>,
    depth: usize,
}

impl TypeParser<'_, '_> {
    fn ty(&mut self) -> Result<(), DialectError> {
        if self.depth >= MAX_DEPTH {
            return Err(DialectError::new(
                self.cur.line(),
                format!("type nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.depth += 1;
        let result = self.union();
        self.depth -= 1;
        result
    }

    fn union(&mut self) -> Result<(), DialectError> {
        // Luau accepts a leading separator, as in a union written one member per line.
        if matches!(self.cur.kind(), Some(Kind::Pipe | Kind::Amp)) {
            self.cur.bump();
        }
        self.postfix()?;
        while matches!(self.cur.kind(), Some(Kind::Pipe | Kind::Amp)) {
            self.cur.bump();
            self.postfix()?;
        }
        Ok(())
    }

    fn postfix(&mut self) -> Result<(), DialectError> {
        self.primary()?;
        loop {
            match self.cur.kind() {
                Some(Kind::Question) => self.cur.bump(),
                Some(Kind::LBracket) => {
                    // `T[]` (array) and `T[K]` (indexed access), from Wippy's parser.
                    let line = self.cur.line();
                    self.cur.bump();
                    if !self.cur.at(Kind::RBracket) {
                        self.ty()?;
                    }
                    self.close(Kind::RBracket, "]", "[", line)?;
                }
                Some(Kind::At) => self.annotation()?,
                _ => return Ok(()),
            }
        }
    }

    /// `@name` or `@name(args)`: a validation annotation on a type or a field.
    fn annotation(&mut self) -> Result<(), DialectError> {
        self.cur.bump();
        if !self.cur.at(Kind::Name) {
            return Err(self.cur.error("expected an annotation name after `@`"));
        }
        self.cur.bump();
        if self.cur.at(Kind::LParen) {
            self.balanced(Kind::LParen, Kind::RParen, "(", ")")?;
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<(), DialectError> {
        match self.cur.kind() {
            Some(
                Kind::Keyword(Keyword::Nil | Keyword::True | Keyword::False)
                | Kind::String
                | Kind::Number,
            ) => {
                self.cur.bump();
                Ok(())
            }
            Some(Kind::Name) => self.named(),
            Some(Kind::LBrace) => self.table(),
            Some(Kind::LParen) => self.params(),
            Some(Kind::Lt) => {
                self.type_params()?;
                if !self.cur.at(Kind::LParen) {
                    return Err(self
                        .cur
                        .error("expected `(` after the generic parameters of a function type"));
                }
                self.params()
            }
            Some(Kind::Ellipsis) => {
                self.cur.bump();
                self.ty()
            }
            _ => Err(self.cur.error("expected a type")),
        }
    }

    /// A type that starts with a name.
    fn named(&mut self) -> Result<(), DialectError> {
        let token = self.cur.token_at(0);
        let word = token.map(|t| self.cur.text(t));
        self.cur.bump();
        let name_follows_on_its_line = self
            .cur
            .token_at(0)
            .zip(token)
            .is_some_and(|(next, token)| next.kind == Kind::Name && next.line == token.line);
        match word {
            // Wippy's assertion return types: `asserts x`, `asserts x is T`.
            Some("asserts") if name_follows_on_its_line => {
                self.cur.bump();
                if self.cur.is_name_at(0, "is") {
                    self.cur.bump();
                    self.ty()?;
                }
                Ok(())
            }
            Some("typeof" | "keyof") if self.cur.at(Kind::LParen) => {
                self.balanced(Kind::LParen, Kind::RParen, "(", ")")
            }
            Some("fun") if self.cur.at(Kind::LParen) => {
                self.param_list()?;
                if self.cur.eat(Kind::Colon) {
                    self.item()?;
                }
                Ok(())
            }
            Some("readonly" | "interface") if self.cur.at(Kind::LBrace) => self.table(),
            _ => {
                while self.cur.at(Kind::Dot) && self.cur.kind_at(1) == Some(Kind::Name) {
                    self.cur.bump();
                    self.cur.bump();
                }
                if self.cur.at(Kind::Lt) && !self.cur.at_lt_operator() {
                    self.type_args()?;
                }
                Ok(())
            }
        }
    }

    /// `<A, B...>` after a type name.
    fn type_args(&mut self) -> Result<(), DialectError> {
        let line = self.cur.line();
        self.cur.bump();
        while self.open_until(Kind::Gt) {
            self.item()?;
            if !self.cur.eat(Kind::Comma) {
                break;
            }
        }
        self.close(Kind::Gt, ">", "<", line)
    }

    /// A member of a list of types: a type, possibly a generic pack `T...`.
    fn item(&mut self) -> Result<(), DialectError> {
        self.ty()?;
        self.cur.eat(Kind::Ellipsis);
        Ok(())
    }

    /// `(A, B)`, `(a: A) -> R`, `() -> ()`.
    fn params(&mut self) -> Result<(), DialectError> {
        self.param_list()?;
        if self.cur.eat(Kind::Arrow) {
            self.item()?;
        }
        Ok(())
    }

    /// `( [name:] item, ... )`.
    fn param_list(&mut self) -> Result<(), DialectError> {
        let line = self.cur.line();
        self.cur.bump();
        while self.open_until(Kind::RParen) {
            if self.cur.is_word_at(0) && self.cur.kind_at(1) == Some(Kind::Colon) {
                self.cur.bump();
                self.cur.bump();
            }
            self.item()?;
            if !self.cur.eat(Kind::Comma) {
                break;
            }
        }
        self.close(Kind::RParen, ")", "(", line)
    }

    /// `{T}`, `{[K]: V}`, `{x: T, y?: U}`.
    fn table(&mut self) -> Result<(), DialectError> {
        let line = self.cur.line();
        self.cur.bump();
        while self.open_until(Kind::RBrace) {
            self.field()?;
            if !(self.cur.eat(Kind::Comma) || self.cur.eat(Kind::Semi)) {
                break;
            }
        }
        self.close(Kind::RBrace, "}", "{", line)
    }

    fn field(&mut self) -> Result<(), DialectError> {
        let modifier = self.cur.is_name_at(0, "read") || self.cur.is_name_at(0, "write");
        let modified = self.cur.kind_at(1) == Some(Kind::LBracket)
            || (self.cur.is_word_at(1)
                && matches!(self.cur.kind_at(2), Some(Kind::Colon | Kind::Question)));
        if modifier && modified {
            self.cur.bump();
        }
        if self.cur.at(Kind::LBracket) {
            let line = self.cur.line();
            self.cur.bump();
            self.ty()?;
            self.close(Kind::RBracket, "]", "[", line)?;
            if !self.cur.eat(Kind::Colon) {
                return Err(self
                    .cur
                    .error("expected `:` after the key type of a table indexer"));
            }
            return self.ty();
        }
        if self.cur.is_word_at(0) {
            let colon_at = if self.cur.kind_at(1) == Some(Kind::Question) {
                2
            } else {
                1
            };
            if self.cur.kind_at(colon_at) == Some(Kind::Colon) {
                for _ in 0..=colon_at {
                    self.cur.bump();
                }
                return self.ty();
            }
        }
        // An array's element type: `{T}`.
        self.ty()
    }

    /// `<T, U..., V: Constraint, W = Default>` at `<`.
    fn type_params(&mut self) -> Result<(), DialectError> {
        let line = self.cur.line();
        self.cur.bump();
        while self.open_until(Kind::Gt) {
            if !self.cur.eat(Kind::Name) {
                return Err(self.cur.error("expected a generic parameter name"));
            }
            self.cur.eat(Kind::Ellipsis);
            if self.cur.eat(Kind::Colon) {
                self.ty()?;
            }
            if self.cur.eat(Kind::Assign) {
                self.item()?;
            }
            if !self.cur.eat(Kind::Comma) {
                break;
            }
        }
        self.close(Kind::Gt, ">", "<", line)
    }

    /// Whether a bracketed list goes on: neither its `close` nor the end of input is next.
    /// (At the end of input, [`close`](Self::close) reports the bracket left open.)
    fn open_until(&self, close: Kind) -> bool {
        self.cur.kind().is_some_and(|kind| kind != close)
    }

    /// Skips from `open` to its matching `close`, whatever lies between (an expression in
    /// `typeof(...)`, arguments of an annotation).
    fn balanced(
        &mut self,
        open: Kind,
        close: Kind,
        open_text: &str,
        close_text: &str,
    ) -> Result<(), DialectError> {
        let line = self.cur.line();
        let mut depth = 0usize;
        while let Some(kind) = self.cur.kind() {
            if kind == open {
                depth += 1;
            } else if kind == close {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    self.cur.bump();
                    return Ok(());
                }
            }
            self.cur.bump();
        }
        Err(self.cur.error(&format!(
            "expected `{close_text}` to close `{open_text}` at line {line}"
        )))
    }

    fn close(
        &mut self,
        kind: Kind,
        close_text: &str,
        open_text: &str,
        open_line: usize,
    ) -> Result<(), DialectError> {
        if self.cur.eat(kind) {
            Ok(())
        } else {
            Err(self.cur.error(&format!(
                "expected `{close_text}` to close `{open_text}` at line {open_line} in a type"
            )))
        }
    }
}
