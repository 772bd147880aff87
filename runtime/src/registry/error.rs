//! Loader errors: each names the file, the line where known, the entry and the field.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::EntryId;

/// One problem found while loading definition files or a lock file.
///
/// Printed as `path[:line]: [entry ID: ][field "F": ]what`, e.g.
/// `src/_index.yaml:30: entry app:relay-service: field "process": expected an entry id
/// string, found a list`.
#[derive(Debug, Clone)]
pub struct LoadError {
    path: PathBuf,
    line: Option<usize>,
    entry: Option<String>,
    field: Option<String>,
    kind: LoadErrorKind,
}

impl LoadError {
    pub(crate) fn new(path: &Path, line: Option<usize>, kind: LoadErrorKind) -> LoadError {
        LoadError {
            path: path.to_path_buf(),
            line,
            entry: None,
            field: None,
            kind,
        }
    }

    /// The same error without a line (for entries that were not read from a file).
    pub(crate) fn without_line(mut self) -> LoadError {
        self.line = None;
        self
    }

    /// The same error, saying `kind` instead.
    pub(crate) fn with_kind(mut self, kind: LoadErrorKind) -> LoadError {
        self.kind = kind;
        self
    }

    pub(crate) fn with_entry(mut self, entry: Option<String>) -> LoadError {
        self.entry = entry;
        self
    }

    pub(crate) fn with_field(mut self, field: impl Into<String>) -> LoadError {
        let field = field.into();
        self.field = (!field.is_empty()).then_some(field);
        self
    }

    /// The file the problem is in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The 1-based line, when known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The entry: its id (`app:relay`), or its position (`entries[3]`) when it has no valid
    /// name.
    pub fn entry(&self) -> Option<&str> {
        self.entry.as_deref()
    }

    /// The field, as a dotted path (`lifecycle.restart.max_delay`, `modules[2]`).
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What is wrong.
    pub fn kind(&self) -> &LoadErrorKind {
        &self.kind
    }
}

/// What is wrong, for a [`LoadError`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// The file or directory could not be read.
    Io(Arc<io::Error>),
    /// The file is not UTF-8; the byte offset of the first bad byte.
    NotUtf8(usize),
    /// The YAML does not parse; the parser's message.
    Syntax(String),
    /// The YAML parses but goes beyond what a definition file may hold (several documents,
    /// extreme nesting, alias expansion).
    Unsupported(String),
    /// A required field is missing.
    MissingField {
        /// What the field should hold.
        expected: Cow<'static, str>,
    },
    /// A field holds the wrong type of value.
    WrongType {
        /// What the field should hold.
        expected: Cow<'static, str>,
        /// What it holds ("a list", "a string", ...).
        found: &'static str,
    },
    /// A field has the right type but a bad value.
    InvalidValue {
        /// What the field should hold.
        expected: Cow<'static, str>,
        /// The value found, as written.
        found: String,
    },
    /// A field is given twice (e.g. inline and under `data:`).
    DuplicateField,
    /// The entry id is defined a second time; where it was defined first.
    DuplicateEntry {
        /// The file of the first definition.
        first_path: PathBuf,
        /// The line of the first definition.
        first_line: usize,
    },
    /// A reference names an entry that no loaded file defines.
    UnknownReference(EntryId),
    /// A registry change set would leave a reference to an entry the registry then does
    /// not have: one the same change set deletes (`deleted`), or one it never had.
    DanglingAfterChange {
        /// The entry referred to.
        target: EntryId,
        /// Whether the change set deletes it.
        deleted: bool,
    },
    /// A key that the block it is in does not have (a misspelt `lifecycle` field would
    /// otherwise be ignored); the block's fields.
    UnknownField {
        /// The fields the block has.
        known: &'static [&'static str],
    },
    /// An override (`wippy run -o`) names an entry no loaded file defines; the flag.
    UnmatchedOverride(String),
    /// A `file://` value names a file that cannot be read.
    MissingInclude {
        /// The file that was looked for.
        target: PathBuf,
        /// Why it could not be read.
        source: Arc<io::Error>,
    },
    /// `imports:` lead back to the entry they start from: the entries of the cycle, the
    /// first repeated at the end.
    ImportCycle(Vec<EntryId>),
    /// A `file://` path climbs above the source directory (or names it): `..` past it.
    IncludeOutsideRoot {
        /// The path after `file://`, as written.
        target: String,
        /// The directory it must stay inside.
        root: PathBuf,
    },
}

impl fmt::Display for LoadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadErrorKind::Io(e) => write!(f, "cannot read: {e}"),
            LoadErrorKind::NotUtf8(at) => write!(f, "not valid UTF-8 (byte {at})"),
            LoadErrorKind::Syntax(msg) => write!(f, "YAML syntax error: {msg}"),
            LoadErrorKind::Unsupported(msg) => write!(f, "unsupported YAML: {msg}"),
            LoadErrorKind::MissingField { expected } => write!(f, "missing, expected {expected}"),
            LoadErrorKind::WrongType { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            LoadErrorKind::InvalidValue { expected, found } => {
                write!(f, "expected {expected}, found {found:?}")
            }
            LoadErrorKind::DuplicateField => f.write_str("given twice (inline and under `data:`)"),
            LoadErrorKind::DuplicateEntry {
                first_path,
                first_line,
            } => write!(
                f,
                "entry id defined twice; first defined at {}:{first_line}",
                first_path.display()
            ),
            LoadErrorKind::UnknownReference(id) => {
                write!(f, "refers to {id}, which no loaded file defines")
            }
            LoadErrorKind::DanglingAfterChange {
                target,
                deleted: true,
            } => write!(
                f,
                "refers to {target}, which this change set deletes (update or delete the \
                 entries that refer to it in the same change set)"
            ),
            LoadErrorKind::DanglingAfterChange {
                target,
                deleted: false,
            } => write!(f, "refers to {target}, which the registry does not have"),
            LoadErrorKind::UnknownField { known } => {
                write!(f, "not a field of this block (it has {})", known.join(", "))
            }
            LoadErrorKind::UnmatchedOverride(spec) => {
                write!(
                    f,
                    "the override {spec:?} names an entry no loaded file defines"
                )
            }
            LoadErrorKind::MissingInclude { target, source } => {
                write!(
                    f,
                    "cannot read included file {}: {source}",
                    target.display()
                )
            }
            LoadErrorKind::ImportCycle(cycle) => write!(
                f,
                "imports form a cycle: {} (a library may not import itself, directly or \
                 through others)",
                cycle
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" -> ")
            ),
            LoadErrorKind::IncludeOutsideRoot { target, root } => write!(
                f,
                "file://{target} does not name a file inside the source directory {} \
                 (`..` may not climb above it; a path starting with / starts at it)",
                root.display()
            ),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(entry) = &self.entry {
            write!(f, "entry {entry}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field {field:?}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            LoadErrorKind::Io(e) | LoadErrorKind::MissingInclude { source: e, .. } => Some(&**e),
            _ => None,
        }
    }
}

/// Every problem found in one load, in file order. Never empty.
#[derive(Debug, Clone)]
pub struct LoadErrors {
    errors: Vec<LoadError>,
}

impl LoadErrors {
    /// Wraps a list of errors; `None` when it is empty.
    pub(crate) fn from_vec(errors: Vec<LoadError>) -> Option<LoadErrors> {
        (!errors.is_empty()).then_some(LoadErrors { errors })
    }

    pub(crate) fn one(error: LoadError) -> LoadErrors {
        LoadErrors {
            errors: vec![error],
        }
    }

    pub(crate) fn extend(&mut self, more: LoadErrors) {
        self.errors.extend(more.errors);
    }

    /// The errors.
    pub fn as_slice(&self) -> &[LoadError] {
        &self.errors
    }

    /// Iterates over the errors.
    pub fn iter(&self) -> std::slice::Iter<'_, LoadError> {
        self.errors.iter()
    }

    /// Number of errors (at least one).
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Always `false`: a `LoadErrors` holds at least one error.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors, owned.
    pub fn into_vec(self) -> Vec<LoadError> {
        self.errors
    }
}

impl<'a> IntoIterator for &'a LoadErrors {
    type Item = &'a LoadError;
    type IntoIter = std::slice::Iter<'a, LoadError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

impl IntoIterator for LoadErrors {
    type Item = LoadError;
    type IntoIter = std::vec::IntoIter<LoadError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}

/// One error per line.
impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.errors
            .first()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
