//! Where annotations are: one walk over the tokens that stops only at the places the dialect
//! allows a type, and records the byte span of each annotation.
//!
//! | trigger | what is stripped |
//! |---|---|
//! | `local` | `: T` after each name (`<const>`/`<close>` attributes stay) |
//! | `for` | `: T` after each loop variable |
//! | `function` | generics `<T>` after the name, `: T` after parameters and `...`, `: R` or `: A, B` after `)` |
//! | `type` / `export type` at a statement start, then a name and `=` or `<` | the whole declaration |
//! | `::` after an expression, unless `:: name ::` (a label) | the cast `:: T` (`T` without `\|` or `&` at its top) |
//! | `as` after an expression, before a name (or `{` on the same line) | the cast `as T` (as `::`) |
//! | `!` after an expression | the non-nil assertion |
//!
//! Each trigger is a token sequence that plain Lua 5.4 cannot contain, which is what keeps
//! plain Lua untouched: a colon after `local x` or after a parameter, `<` after a function
//! name, `::` that is not a label, a name after `type` (where Lua needs `(`, `=`, `.`, ...).
//! The one exception is `as {` (see [`Scanner::as_cast_type`]).
//! The few triggers that also need context only look at the previous token: whether an
//! expression can end there ([`ends_expression`]), or whether a statement can start there.
//! So `type(x)`, `local type = ...`, `t.type = 1` and `obj:method()` are never touched.

use std::ops::Range;

use super::DialectError;
use super::cursor::{Cursor, ends_expression};
use super::lexer::{Keyword, Kind, Tokens};
use super::types;

/// What to strip from a source: the annotations, and where a statement must end.
#[derive(Debug, Default)]
pub(super) struct Annotations {
    /// The byte span of each annotation, in order and without overlap.
    pub(super) spans: Vec<Range<usize>>,
    /// The first byte of each span that must become `;` rather than a space: a `type`
    /// declaration (always a statement of its own), and a cast or `!` that a `(`
    /// follows. Where the dialect reads two statements, blanks alone would let Lua read
    /// one call: `g()` then `type T = number` then `(f)()` is `g()(f)()` once blanked.
    /// A cast or an assertion is no prefix expression in Wippy's grammar, so a `(` after
    /// one starts a new statement there (or is an error there, as `;` makes it here).
    pub(super) statement_ends: Vec<usize>,
}

/// The annotations of `src` (see [`Annotations`]).
pub(super) fn annotation_spans(src: &str, tokens: &Tokens) -> Result<Annotations, DialectError> {
    let mut scanner = Scanner {
        cur: Cursor::new(src, tokens),
        found: Annotations::default(),
    };
    scanner.run()?;
    Ok(scanner.found)
}

struct Scanner<'a> {
    cur: Cursor<'a>,
    found: Annotations,
}

impl Scanner<'_> {
    fn run(&mut self) -> Result<(), DialectError> {
        while let Some(kind) = self.cur.kind() {
            match kind {
                Kind::Keyword(Keyword::Local) => self.local()?,
                Kind::Keyword(Keyword::For) => self.for_names()?,
                Kind::Keyword(Keyword::Function) => self.function()?,
                Kind::DoubleColon => self.double_colon()?,
                Kind::Bang => self.bang(),
                Kind::Name => self.name()?,
                _ => self.cur.bump(),
            }
        }
        Ok(())
    }

    /// Records a span from `start` to the end of the last token consumed.
    fn strip_from(&mut self, start: usize) {
        let end = self.cur.prev_end();
        if end > start {
            self.found.spans.push(start..end);
        }
    }

    /// After a cast or `!` stripped from `start`: a `(` next starts a new statement.
    fn end_statement_before_paren(&mut self, start: usize) {
        if self.cur.at(Kind::LParen) {
            self.found.statement_ends.push(start);
        }
    }

    /// At the `:` of an annotation: strips it and what `skip` skips after it.
    fn annotation(
        &mut self,
        skip: fn(&mut Cursor<'_>) -> Result<(), DialectError>,
    ) -> Result<(), DialectError> {
        let start = self.cur.start();
        self.cur.bump();
        skip(&mut self.cur)?;
        self.strip_from(start);
        Ok(())
    }

    /// `local a <const>: T, b: U = ...`. `local function` is left to [`Self::function`].
    fn local(&mut self) -> Result<(), DialectError> {
        self.cur.bump();
        while self.cur.eat(Kind::Name) {
            let attribute = self.cur.at(Kind::Lt)
                && self.cur.kind_at(1) == Some(Kind::Name)
                && self.cur.kind_at(2) == Some(Kind::Gt);
            if attribute {
                for _ in 0..3 {
                    self.cur.bump();
                }
            }
            if self.cur.at(Kind::Colon) {
                self.annotation(types::skip_type)?;
            }
            if !self.cur.eat(Kind::Comma) {
                break;
            }
        }
        Ok(())
    }

    /// `for i: number = ...` and `for k: K, v: V in ...`.
    fn for_names(&mut self) -> Result<(), DialectError> {
        self.cur.bump();
        while self.cur.eat(Kind::Name) {
            if self.cur.at(Kind::Colon) {
                self.annotation(types::skip_type)?;
            }
            if !self.cur.eat(Kind::Comma) {
                break;
            }
        }
        Ok(())
    }

    /// `function a.b:c<T>(x: T, ...: U): R`, named or anonymous.
    fn function(&mut self) -> Result<(), DialectError> {
        self.cur.bump();
        if self.cur.eat(Kind::Name) {
            while matches!(self.cur.kind(), Some(Kind::Dot | Kind::Colon))
                && self.cur.kind_at(1) == Some(Kind::Name)
            {
                self.cur.bump();
                self.cur.bump();
            }
        }
        if self.cur.at(Kind::Lt) {
            let start = self.cur.start();
            types::skip_type_params(&mut self.cur)?;
            self.strip_from(start);
        }
        if !self.cur.eat(Kind::LParen) {
            return Ok(());
        }
        while let Some(kind @ (Kind::Name | Kind::Ellipsis)) = self.cur.kind() {
            self.cur.bump();
            if self.cur.at(Kind::Colon) {
                self.annotation(if kind == Kind::Ellipsis {
                    types::skip_type_pack
                } else {
                    types::skip_type
                })?;
            }
            if !self.cur.eat(Kind::Comma) {
                break;
            }
        }
        if self.cur.eat(Kind::RParen) && self.cur.at(Kind::Colon) {
            self.annotation(types::skip_return_types)?;
        }
        Ok(())
    }

    /// `::`: a label `::name::`, or a cast `expr :: T`.
    ///
    /// `v :: T ::name::` is a cast followed by a label: a label cannot be followed by
    /// `name ::`, since a bare name is not a statement.
    fn double_colon(&mut self) -> Result<(), DialectError> {
        let shape = |at: usize| {
            self.cur.kind_at(at) == Some(Kind::Name)
                && self.cur.kind_at(at + 1) == Some(Kind::DoubleColon)
        };
        let label = shape(1) && !shape(3);
        if label {
            for _ in 0..3 {
                self.cur.bump();
            }
        } else if self.after_expression() {
            let start = self.cur.start();
            self.annotation(types::skip_cast_type)?;
            self.end_statement_before_paren(start);
        } else {
            self.cur.bump();
        }
        Ok(())
    }

    /// `expr!`: a non-nil assertion (`!` is not a Lua token, and `!=` lexes apart).
    fn bang(&mut self) {
        let start = self.cur.start();
        let after_expression = self.after_expression();
        self.cur.bump();
        if after_expression {
            self.strip_from(start);
            self.end_statement_before_paren(start);
        }
    }

    /// The contextual words `type`, `export` and `as`; any other name is passed over.
    fn name(&mut self) -> Result<(), DialectError> {
        let start = self.cur.start();
        let declares = |cur: &Cursor<'_>, at: usize| {
            cur.kind_at(at) == Some(Kind::Name)
                && matches!(cur.kind_at(at + 1), Some(Kind::Assign | Kind::Lt))
        };
        if self.cur.is_name_at(0, "type") && self.at_statement_start() && declares(&self.cur, 1) {
            self.cur.bump();
            self.type_declaration(start)
        } else if self.cur.is_name_at(0, "export")
            && self.at_statement_start()
            && self.cur.is_name_at(1, "type")
            && declares(&self.cur, 2)
        {
            self.cur.bump();
            self.cur.bump();
            self.type_declaration(start)
        } else if self.cur.is_name_at(0, "as") && self.after_expression() && self.as_cast_type() {
            if self.cur.kind_at(1) == Some(Kind::LBrace) {
                // `as {`: a cast only if a table type follows; otherwise it is plain Lua
                // (a call of `as` with a table, `f() as{g 'x'}`), which is never refused.
                let mut probe = self.cur.clone();
                probe.bump();
                if types::skip_cast_type(&mut probe).is_ok() {
                    self.cur = probe;
                    self.strip_from(start);
                    self.end_statement_before_paren(start);
                } else {
                    self.cur.bump();
                }
                return Ok(());
            }
            self.cur.bump();
            types::skip_cast_type(&mut self.cur)?;
            self.strip_from(start);
            self.end_statement_before_paren(start);
            Ok(())
        } else {
            self.cur.bump();
            Ok(())
        }
    }

    /// After `type`: `Name [<params>] = T`, all of it stripped from `start`.
    fn type_declaration(&mut self, start: usize) -> Result<(), DialectError> {
        self.cur.bump();
        if self.cur.at(Kind::Lt) {
            types::skip_type_params(&mut self.cur)?;
        }
        if !self.cur.eat(Kind::Assign) {
            return Err(self.cur.error("expected `=` in a type declaration"));
        }
        types::skip_type(&mut self.cur)?;
        self.strip_from(start);
        self.found.statement_ends.push(start);
        Ok(())
    }

    /// Whether the token before the current one can end an expression. The end of a
    /// stripped annotation counts: it closed a cast, a declaration or a signature.
    fn after_expression(&self) -> bool {
        self.cur.prev().is_some_and(|prev| {
            ends_expression(prev)
                || self
                    .found
                    .spans
                    .last()
                    .is_some_and(|span| span.end == prev.end)
        })
    }

    /// At `as` after an expression: whether a type follows, so that this is a cast.
    ///
    /// A name always starts a type here: in plain Lua, `as T` cannot follow an expression.
    /// `as {...}` can, as a new statement calling a function named `as` with a table. Wippy
    /// code writes casts like `ctx as {value: number}`, while such a call right after an
    /// expression is unheard of, so `{` counts as a type when it is on the line of the
    /// expression and a table type follows; on the next line, or when what follows is no
    /// type (`as {r '-'}`), it stays a call.
    fn as_cast_type(&self) -> bool {
        match self.cur.kind_at(1) {
            Some(Kind::Name | Kind::Keyword(Keyword::Nil)) => true,
            Some(Kind::LBrace) => self
                .cur
                .prev()
                .zip(self.cur.token_at(0))
                .is_some_and(|(prev, as_token)| prev.line == as_token.line),
            _ => false,
        }
    }

    /// Whether a statement may start at the current token, judged by the one before it.
    fn at_statement_start(&self) -> bool {
        let Some(prev) = self.cur.prev() else {
            return true;
        };
        self.after_expression()
            || matches!(
                prev.kind,
                Kind::Semi
                    | Kind::DoubleColon
                    | Kind::Keyword(
                        Keyword::Do
                            | Keyword::Then
                            | Keyword::Else
                            | Keyword::Repeat
                            | Keyword::Break
                    )
            )
    }
}
