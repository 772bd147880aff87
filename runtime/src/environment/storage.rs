//! [`Storage`]: one `env.storage.*` entry's values (R `service/env/{memory,os,file,
//! composite}`, `service/env/os/static.go`).
//!
//! Shared by every process through the runtime's [`Environment`](super::Environment);
//! the memory storage and the router's cache lock their maps, the file storage locks
//! around each read and rewrite of its file.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use rustc_hash::FxHashMap;

use super::file::EnvFileStore;
use crate::registry::EnvStorage;

/// Why a storage refused or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageError {
    /// The storage cannot be written (`os`, `static`).
    ReadOnly,
    /// No storage has this id.
    Missing(String),
    /// A `.env` file could not be read or written: the path and the system's message.
    File {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageError::ReadOnly => f.write_str("the storage is read-only"),
            StorageError::Missing(id) => write!(f, "no storage {id}"),
            StorageError::File { path, message } => write!(f, "{path}: {message}"),
        }
    }
}

impl std::error::Error for StorageError {}

/// One storage's values (see the module docs).
#[derive(Debug)]
pub(super) enum Storage {
    Memory(RwLock<FxHashMap<String, String>>),
    Os,
    Static(FxHashMap<String, String>),
    File(Mutex<EnvFileStore>),
    /// The storages in order, and the values read through them so far: as the
    /// original's composite storage, a value once read is kept (a later change in a
    /// storage behind it is not seen), and a write through the router updates it.
    Router {
        parts: Vec<Arc<Storage>>,
        cache: RwLock<FxHashMap<String, String>>,
    },
}

impl Storage {
    /// A storage of `config` (not a router: see [`router`](Self::router)).
    pub(super) fn new(config: &EnvStorage) -> Storage {
        match config {
            EnvStorage::Os => Storage::Os,
            EnvStorage::Static(values) => Storage::Static(values.iter().cloned().collect()),
            EnvStorage::File(file) => Storage::File(Mutex::new(EnvFileStore::new(file.clone()))),
            // `Memory`, and a router handed here by mistake: an empty memory storage.
            _ => Storage::Memory(RwLock::default()),
        }
    }

    /// A router over `parts`, in order.
    pub(super) fn router(parts: Vec<Arc<Storage>>) -> Storage {
        Storage::Router {
            parts,
            cache: RwLock::default(),
        }
    }

    /// The value of `key`, `None` when the storage has none.
    pub(super) fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(match self {
            Storage::Memory(values) => values.read().get(key).cloned(),
            Storage::Os => std::env::var_os(key).map(|v| v.to_string_lossy().into_owned()),
            Storage::Static(values) => values.get(key).cloned(),
            Storage::File(file) => file.lock().get(key)?,
            Storage::Router { parts, cache } => {
                if let Some(v) = cache.read().get(key) {
                    return Ok(Some(v.clone()));
                }
                for part in parts {
                    if let Some(v) = part.get(key)? {
                        cache.write().insert(key.to_owned(), v.clone());
                        return Ok(Some(v));
                    }
                }
                None
            }
        })
    }

    /// Sets `key` to `value`.
    pub(super) fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        match self {
            Storage::Memory(values) => {
                values.write().insert(key.to_owned(), value.to_owned());
                Ok(())
            }
            Storage::Os | Storage::Static(_) => Err(StorageError::ReadOnly),
            Storage::File(file) => file.lock().set(key, value),
            Storage::Router { parts, cache } => {
                // Into the first storage, as the original's composite storage writes.
                let Some(first) = parts.first() else {
                    return Err(StorageError::ReadOnly);
                };
                first.set(key, value)?;
                cache.write().insert(key.to_owned(), value.to_owned());
                Ok(())
            }
        }
    }

    /// Every value the storage has; for a router, the first storage's value of a name
    /// that several have.
    pub(super) fn list(&self) -> Result<BTreeMap<String, String>, StorageError> {
        Ok(match self {
            Storage::Memory(values) => values
                .read()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            Storage::Os => std::env::vars_os()
                .map(|(k, v)| {
                    (
                        k.to_string_lossy().into_owned(),
                        v.to_string_lossy().into_owned(),
                    )
                })
                .collect(),
            Storage::Static(values) => values.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Storage::File(file) => file.lock().list()?,
            Storage::Router { parts, .. } => {
                let mut all = BTreeMap::new();
                for part in parts {
                    // A part that cannot be listed is skipped, as in the original.
                    if let Ok(values) = part.list() {
                        for (k, v) in values {
                            all.entry(k).or_insert(v);
                        }
                    }
                }
                all
            }
        })
    }
}
