//! The error returned when annotated source cannot be stripped.

use std::fmt;

/// Why [`strip_annotations`](super::strip_annotations) rejected a chunk.
///
/// Only an annotation that does not parse as a type is rejected (for example a `{` in a
/// type that is never closed). Everything else is left for Lua's own compiler to judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialectError {
    /// The 1-based line the problem was found on, counted as Lua counts lines.
    pub line: usize,
    /// What is wrong, without the line number.
    pub message: String,
}

impl DialectError {
    pub(super) fn new(line: usize, message: impl Into<String>) -> Self {
        DialectError {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for DialectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DialectError {}
