//! Wippy's Lua dialect: Lua source that may carry Luau-style type annotations.
//!
//! Wippy's own VM parses annotations and (optionally) checks them; we run the code on stock
//! Lua 5.4, so annotations are removed before compiling. Type checking is off by default in
//! Wippy too, so the program means the same without them.
//!
//! [`strip_annotations`] overwrites every annotation with spaces and keeps every line break,
//! so each remaining token stays on its line and at its byte column, and Lua's error messages
//! (`worker.lua:12: attempt to ...`) point at the line the author wrote:
//!
//! ```
//! use wippy_lua::dialect::strip_annotations;
//!
//! let source = "local function add(a: number, b: number): number\n  return a + b\nend";
//! assert_eq!(
//!     strip_annotations(source)?,
//!     "local function add(a        , b        )        \n  return a + b\nend",
//! );
//! # Ok::<(), wippy_lua::dialect::DialectError>(())
//! ```
//!
//! Where the dialect ends a statement that blanks would leave open (a `type` declaration;
//! a cast or `!` before `(`), the annotation's first byte becomes `;` instead.
//!
//! What is recognised, with examples (the full list of positions is in `scanner.rs`, the
//! type grammar in `types.rs`):
//!
//! - locals and loop variables: `local x: number = 1`, `local a: T, b <const>: U`,
//!   `for k: string, v: any in pairs(t) do`;
//! - functions, named, local, anonymous and methods: `function M:m<T>(a: T, ...: any): (T, string)`,
//!   also with Wippy's return list without parentheses, `: string?, string?`;
//! - type declarations at statement start: `type Point = {x: number}`,
//!   `export type Box<T> = {value: T}`;
//! - casts and assertions after an expression: `(x :: any) :: number`, `x as string`, `x!`;
//! - types: names, `mod.T`, `Array<T>`, `T?`, `A | B`, `A & B`, `{T}`, `{[K]: V}`,
//!   `{x: T, y?: U}`, `(A, B) -> R`, `<T>(T) -> T`, `...T`, `T...`, `typeof(e)`,
//!   string, number and boolean literals, and Wippy's `fun(a: T): R`, `T[]`, `@annotation(...)`,
//!   and its assertion return types `asserts x` and `asserts x is T`.
//!
//! Plain Lua comes back borrowed and untouched, with one exception: `y as {t}` on one line,
//! which plain Lua reads as a statement calling a function `as`, is taken for a cast.
//! Not supported: Wippy's `interface ... end` declarations, conditional types
//! (`A extends B ? C : D`), casts written `as` before anything but a name or `{`, Luau's
//! explicit instantiation `f<<T>>(x)` and `type function`, and Luau syntax that is not about
//! types (`continue`, `+=`, backtick strings), which Lua 5.4 rejects.
//!
//! As in Wippy's grammar, a cast binds tighter than `|` and `&` (`m :: integer | F` is a
//! bitwise or), and a cast or `!` is no prefix expression: `x = y :: T` followed by a line
//! starting with `(` is two statements (the cast's `::` becomes `;`), not the call
//! `y(...)` that blanks alone would make.

mod cursor;
mod error;
mod lexer;
mod scanner;
#[cfg(test)]
mod test;
mod types;

use std::borrow::Cow;

pub use error::DialectError;

/// Strips Luau-style type annotations, keeping line structure.
///
/// Every byte of an annotation becomes a space, except `\n` and `\r`, so lines and byte
/// columns are unchanged. Returns [`Cow::Borrowed`] when there is nothing to strip.
///
/// Source that Lua's lexer cannot read (an unfinished string, long string or long
/// comment) is not an error here: the annotations before that point are stripped and the
/// rest is left as it is, so that Lua reports the chunk's first error in its own words,
/// as it would without annotations.
///
/// # Errors
///
/// A [`DialectError`] with the line of the problem when an annotation is not a
/// well-formed type (such as an unclosed `{`). Anything else, including plain syntax
/// errors, is left for Lua to report.
pub fn strip_annotations(source: &str) -> Result<Cow<'_, str>, DialectError> {
    let tokens = lexer::tokenize(source);
    let found = match scanner::annotation_spans(source, &tokens) {
        Ok(found) => found,
        // An annotation cut short by the unreadable part: Lua's error comes first.
        Err(_) if tokens.unreadable.is_some() => scanner::Annotations::default(),
        Err(error) => return Err(error),
    };
    if found.spans.is_empty() {
        return Ok(Cow::Borrowed(source));
    }
    Ok(Cow::Owned(blank_out(source, &found)))
}

/// Where `source` nests deepest: the line on which brackets (`(`, `[`, `{`) and blocks
/// (`function`, `if`, `do`, `repeat`) first reach their greatest depth, and that depth.
///
/// Lua's parser recurses once (or twice) per level, and past about 200 levels it stops
/// with "C stack overflow", a message without a position; this tells where. Only the
/// tokens are read (strings and comments are skipped as Lua's lexer skips them), so it
/// costs a pass over the source, on that error only. `(1, 0)` for a chunk without any.
pub(crate) fn deepest_nesting(source: &str) -> (usize, usize) {
    use lexer::{Keyword as K, Kind};
    let (mut depth, mut deepest, mut line) = (0_usize, 0_usize, 1_usize);
    for token in lexer::tokenize(source).list {
        match token.kind {
            Kind::LParen
            | Kind::LBracket
            | Kind::LBrace
            | Kind::Keyword(K::Function | K::If | K::Do | K::Repeat) => {
                depth += 1;
                if depth > deepest {
                    (deepest, line) = (depth, token.line);
                }
            }
            Kind::RParen | Kind::RBracket | Kind::RBrace | Kind::Keyword(K::End | K::Until) => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
    }
    (line, deepest)
}

/// `source` with each char inside the spans of `found` replaced by as many spaces as it
/// has bytes, line breaks excepted, and a `;` at each of its statement ends (the first
/// byte of a span, an ASCII char). The spans are sorted and disjoint.
fn blank_out(source: &str, found: &scanner::Annotations) -> String {
    let mut out = String::with_capacity(source.len());
    let mut spans = found.spans.iter().peekable();
    let mut statement_ends = found.statement_ends.iter().peekable();
    for (at, c) in source.char_indices() {
        while spans.next_if(|span| span.end <= at).is_some() {}
        let inside = spans.peek().is_some_and(|span| span.start <= at);
        if statement_ends.next_if(|&&end| end == at).is_some() {
            out.push(';');
        } else if inside && c != '\n' && c != '\r' {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}
