//! A loaded registry entry.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;

use super::{EntryConfig, EntryId, Lifecycle};
use crate::payload::{Map, Payload};

/// One registry entry, as loaded from a definition file.
///
/// `data` holds every field but `name`, `kind` and `meta`, after namespace defaulting of
/// references and with `file://` values replaced by the file's contents (once loaded from
/// disk; see [`parse_file`](super::parse_file)). Unknown kinds are kept this way, as data;
/// known kinds also get a typed [`config`](Entry::config).
#[derive(Debug, Clone)]
pub struct Entry {
    pub(crate) id: EntryId,
    pub(crate) kind: Arc<str>,
    pub(crate) meta: Map,
    pub(crate) data: Map,
    pub(crate) config: EntryConfig,
    pub(crate) lifecycle: Option<Lifecycle>,
    pub(crate) location: Location,
    pub(crate) references: Vec<Reference>,
    pub(crate) includes: Vec<FileInclude>,
    /// See [`Entry::revision`].
    pub(crate) revision: u64,
}

/// The last [`Entry::revision`] handed out.
static LAST_REVISION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A revision no entry has had yet.
pub(crate) fn next_revision() -> u64 {
    LAST_REVISION.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
}

impl Entry {
    /// The id, `namespace:name`.
    pub fn id(&self) -> &EntryId {
        &self.id
    }

    /// Tells this entry's contents from those of another entry of the same id: every
    /// entry read from a definition file or made by a registry change gets a revision no
    /// other entry of the process had, and a clone keeps it. Caches of what is built
    /// from an entry (compiled Lua) key on it, so that an updated entry is rebuilt.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The kind, e.g. `process.lua`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The metadata: the file's `meta`, overridden key by key by the entry's.
    pub fn meta(&self) -> &Map {
        &self.meta
    }

    /// Every other field, as data.
    pub fn data(&self) -> &Map {
        &self.data
    }

    /// A field of [`data`](Entry::data) by name.
    pub fn field(&self, name: &str) -> Option<&Payload> {
        self.data.get(name)
    }

    /// The typed view of the fields, for the kinds the runtime acts on.
    pub fn config(&self) -> &EntryConfig {
        &self.config
    }

    /// The `lifecycle` block, for any kind that has one.
    pub fn lifecycle(&self) -> Option<&Lifecycle> {
        self.lifecycle.as_ref()
    }

    /// Where the entry is defined.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Every reference to another entry, already namespace-qualified.
    pub fn references(&self) -> &[Reference] {
        &self.references
    }

    /// Every `file://` value in the data.
    pub fn includes(&self) -> &[FileInclude] {
        &self.includes
    }
}

/// Where something is defined: file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub(crate) path: Arc<Path>,
    pub(crate) line: usize,
}

impl Location {
    /// The definition file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The 1-based line.
    pub fn line(&self) -> usize {
        self.line
    }
}

/// A field that names another entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub(crate) field: String,
    pub(crate) target: EntryId,
    pub(crate) line: usize,
}

impl Reference {
    /// The field, as a dotted path (`process`, `lifecycle.requires[0]`, `imports.assert2`,
    /// `meta.router`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The entry referred to.
    pub fn target(&self) -> &EntryId {
        &self.target
    }

    /// The 1-based line of the reference.
    pub fn line(&self) -> usize {
        self.line
    }
}

/// A `file://` value: the field, the file it names, and its contents once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInclude {
    pub(crate) field: String,
    pub(crate) path: PathBuf,
    pub(crate) content: Option<Bytes>,
}

impl FileInclude {
    /// The field, as a dotted path (`source`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The file, relative to the definition file's directory resolved against it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The contents; `None` when the entry came from [`parse_file`](super::parse_file),
    /// which does not touch the file system.
    pub fn content(&self) -> Option<&Bytes> {
        self.content.as_ref()
    }
}
