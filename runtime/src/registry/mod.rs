//! The registry: entries loaded from YAML definition files (reference §2).
//!
//! An application is a directory of definition files (`_index.yaml` by convention), each
//! holding entries of a namespace:
//!
//! ```yaml
//! version: "1.0"
//! namespace: app
//! entries:
//!   - name: relay-service
//!     kind: process.service
//!     process: relay          # same namespace: app:relay
//!     host: app:processes
//!     lifecycle: {auto_start: true}
//! ```
//!
//! - [`parse_file`] turns one file's text into [`Entry`]s without touching the disk (the
//!   fuzz target uses it); [`load_file`] also reads `file://` includes.
//! - [`Registry::load_dir`] loads a whole source tree, then checks ids are unique and
//!   references resolve. [`LockFile`] finds the source tree from `wippy.lock`.
//! - Every entry keeps all its fields as [`Payload`](crate::payload::Payload) data; the
//!   kinds the runtime acts on also get a typed [`EntryConfig`] and [`Lifecycle`].
//! - Errors are [`LoadErrors`]: every problem found, each naming file, line, entry and
//!   field. No input makes the loader panic.
//! - [`Registry::find`] selects entries by kind, id and metadata ([`Query`]).
//! - A running registry changes through change sets ([`Change`], entries built from data
//!   with [`Entry::from_data`]); [`Versions`] keeps every state as a version, and an
//!   [`EntryCheck`] may refuse an entry a change set makes (Lua that does not compile).
//! - A kind is kept whatever it is (kinds are open, as in the original);
//!   [`Registry::misspelt_kinds`] names the entries whose kind looks like a mistake.
//!
//! The YAML reader and why it is built on `saphyr-parser` are described in `yaml.rs`.

mod change;
mod duration;
mod entry;
mod entry_check;
mod env_kinds;
mod error;
mod find;
mod id;
mod import_cycles;
mod kind_names;
mod kinds;
mod load;
mod lock;
mod overrides;
mod parse;
mod versions;
pub(crate) mod yaml;
mod yaml_value;

use rustc_hash::FxHashMap;
use std::path::Path;

pub use change::{CHANGE_ORIGIN, Change};
pub use duration::{ParseDurationError, parse_duration};
pub use entry::{Entry, FileInclude, Location, Reference};
pub use entry_check::EntryCheck;
pub use env_kinds::{ENV_STORAGE_PREFIX, EnvFile, EnvStorage, EnvVariable};
pub use error::{LoadError, LoadErrorKind, LoadErrors};
pub use find::{Query, QueryError};
pub use id::{EntryId, ParseEntryIdError};
pub use kind_names::likely_kind;
pub use kinds::{
    EntryConfig, Lifecycle, LuaConfig, LuaKind, LuaSource, NsDependency, ProcessHost,
    ProcessService, RestartPolicy, Startup, TerminalHost,
};
pub use load::{DEFINITION_EXTENSIONS, SKIPPED_DIRECTORIES, definition_files, load_file};
pub use lock::{Directories, LOCK_FILE_NAME, LockFile, LockedModule, Replacement};
pub use overrides::{Override, OverrideError, OverrideValue};
pub use parse::parse_file;
pub use versions::{ChangeError, VersionInfo, Versions};
pub use yaml_value::{YamlValueError, decode_yaml};

/// A checked set of entries: ids are unique and every reference resolves.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// In load order: directories, then files by path, then file order.
    entries: Vec<Entry>,
    index: FxHashMap<EntryId, usize>,
}

impl Registry {
    /// Builds a registry from entries, in the given order.
    ///
    /// # Errors
    ///
    /// An id defined twice (naming both places), and references to entries that are not
    /// among `entries`; every one found.
    pub fn from_entries(entries: Vec<Entry>) -> Result<Registry, LoadErrors> {
        let mut errors = Vec::new();
        let mut index: FxHashMap<EntryId, usize> =
            FxHashMap::with_capacity_and_hasher(entries.len(), Default::default());
        let mut kept = Vec::with_capacity(entries.len());
        for entry in entries {
            if let Some(&first) = index.get(entry.id()) {
                let first: &Entry = &kept[first];
                errors.push(
                    LoadError::new(
                        entry.location().path(),
                        Some(entry.location().line()).filter(|&line| line > 0),
                        LoadErrorKind::DuplicateEntry {
                            first_path: first.location().path().to_path_buf(),
                            first_line: first.location().line(),
                        },
                    )
                    .with_entry(Some(entry.id().to_string())),
                );
                continue;
            }
            index.insert(entry.id().clone(), kept.len());
            kept.push(entry);
        }
        for entry in &kept {
            for reference in entry.references() {
                if !index.contains_key(reference.target()) {
                    errors.push(
                        LoadError::new(
                            entry.location().path(),
                            // An entry made from data (a change set) has no line: 0.
                            Some(reference.line()).filter(|&line| line > 0),
                            LoadErrorKind::UnknownReference(reference.target().clone()),
                        )
                        .with_entry(Some(entry.id().to_string()))
                        .with_field(reference.field()),
                    );
                }
            }
        }
        errors.extend(env_kinds::check(&kept, &index));
        errors.extend(import_cycles::check(&kept, &index));
        match LoadErrors::from_vec(errors) {
            Some(errors) => Err(errors),
            None => Ok(Registry {
                entries: kept,
                index,
            }),
        }
    }

    /// The entry with this id.
    pub fn get(&self, id: &EntryId) -> Option<&Entry> {
        self.index.get(id).map(|&i| &self.entries[i])
    }

    /// The entry with this id, written `ns:name`.
    pub fn get_str(&self, id: &str) -> Option<&Entry> {
        self.index.get(id).map(|&i| &self.entries[i])
    }

    /// The entries whose kind is not a documented one but looks like a mistake for one,
    /// with that kind ([`likely_kind`]), in load order.
    pub fn misspelt_kinds(&self) -> impl Iterator<Item = (&Entry, &'static str)> {
        self.entries
            .iter()
            .filter_map(|e| likely_kind(e.kind()).map(|meant| (e, meant)))
    }

    /// Every entry, in load order.
    pub fn iter(&self) -> std::slice::Iter<'_, Entry> {
        self.entries.iter()
    }

    /// The entries of one kind, in load order.
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| e.kind() == kind)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries whose definition file is `path`, in file order.
    pub fn defined_in<'a>(&'a self, path: &'a Path) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.location().path() == path)
    }
}

impl<'a> IntoIterator for &'a Registry {
    type Item = &'a Entry;
    type IntoIter = std::slice::Iter<'a, Entry>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}
