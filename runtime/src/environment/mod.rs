//! [`Environment`]: the environment variables a registry declares (`env.variable`
//! entries) and the storages that hold them (`env.storage.*`), as the `env` module of a
//! process reads and writes them (R `system/env/registry.go`).
//!
//! Built once from the registry when the runtime is made; the storages' values live as
//! long as the runtime (memory storages) or outside it (the process environment, `.env`
//! files). Any thread may read and write it: each storage locks what it changes.
//!
//! A name is looked up as the original looks it up: first as a variable's name (its
//! `variable` field, or its entry id when it has none), then as an entry id, with the
//! caller's namespace when the name has none. A variable whose storage holds no value,
//! or an empty one, has its `default` (none when empty). `all` lists every variable of
//! every storage, whether declared or not, as the original's `get_all` does.

mod file;
mod storage;

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::registry::{EntryConfig, EntryId, EnvStorage, EnvVariable, Registry};
use storage::Storage;
pub use storage::StorageError;

/// Why a variable could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvError {
    /// No `env.variable` has this name or id, or it has no value and no default.
    NotFound(String),
    /// The variable is `readonly: true`.
    ReadOnly(String),
    /// The variable's storage refused or failed.
    Storage {
        /// The variable.
        name: String,
        /// What the storage said.
        source: StorageError,
    },
}

impl std::fmt::Display for EnvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnvError::NotFound(name) => write!(f, "environment variable not found: {name}"),
            EnvError::ReadOnly(name) => write!(f, "environment variable is read-only: {name}"),
            EnvError::Storage { name, source } => {
                write!(f, "environment variable {name}: {source}")
            }
        }
    }
}

impl std::error::Error for EnvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EnvError::Storage { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A declared variable: its entry and settings.
#[derive(Debug)]
struct Declared {
    id: EntryId,
    variable: EnvVariable,
}

/// The registry's environment variables and storages (see the module docs).
#[derive(Debug, Default)]
pub struct Environment {
    storages: FxHashMap<EntryId, Arc<Storage>>,
    /// Storage ids in load order, for `all`.
    order: Vec<EntryId>,
    by_name: FxHashMap<String, usize>,
    by_id: FxHashMap<EntryId, usize>,
    variables: Vec<Declared>,
}

impl Environment {
    /// The storages and variables of `registry`. The registry checked them when it was
    /// built (storages exist and are storages, names are unique, routers end), so this
    /// cannot fail.
    pub fn from_registry(registry: &Registry) -> Environment {
        let mut env = Environment::default();
        let configs: FxHashMap<&EntryId, &EnvStorage> = registry
            .iter()
            .filter_map(|e| match e.config() {
                EntryConfig::EnvStorage(s) => Some((e.id(), s)),
                _ => None,
            })
            .collect();
        for entry in registry.iter() {
            if let EntryConfig::EnvStorage(_) = entry.config() {
                env.build_storage(entry.id(), &configs);
                env.order.push(entry.id().clone());
            }
        }
        for entry in registry.iter() {
            if let EntryConfig::EnvVariable(variable) = entry.config() {
                let index = env.variables.len();
                env.by_name.insert(variable.name(entry.id()), index);
                env.by_id.insert(entry.id().clone(), index);
                env.variables.push(Declared {
                    id: entry.id().clone(),
                    variable: variable.clone(),
                });
            }
        }
        env
    }

    /// Builds the storage `id` (and the storages a router routes to) once.
    fn build_storage(
        &mut self,
        id: &EntryId,
        configs: &FxHashMap<&EntryId, &EnvStorage>,
    ) -> Option<Arc<Storage>> {
        if let Some(s) = self.storages.get(id) {
            return Some(Arc::clone(s));
        }
        let storage = match configs.get(id)? {
            EnvStorage::Router(ids) => {
                // Routers do not route in a circle (checked at load), so this ends.
                let parts = ids
                    .iter()
                    .filter_map(|part| self.build_storage(part, configs))
                    .collect();
                Storage::router(parts)
            }
            other => Storage::new(other),
        };
        let storage = Arc::new(storage);
        self.storages.insert(id.clone(), Arc::clone(&storage));
        Some(storage)
    }

    /// The variable `name` asks for (see the module docs); `caller_ns` is the namespace
    /// of the asking entry.
    fn find(&self, name: &str, caller_ns: Option<&str>) -> Result<&Declared, EnvError> {
        if let Some(&i) = self.by_name.get(name) {
            return Ok(&self.variables[i]);
        }
        let by_id = |id: &str| {
            id.parse::<EntryId>()
                .ok()
                .and_then(|id| self.by_id.get(&id))
        };
        let found = match (name.contains(':'), caller_ns) {
            (false, Some(ns)) => by_id(&format!("{ns}:{name}")),
            (true, _) => by_id(name),
            (false, None) => None,
        };
        found
            .map(|&i| &self.variables[i])
            .ok_or_else(|| EnvError::NotFound(name.to_owned()))
    }

    /// The storage of a declared variable. The registry checked that it exists and
    /// `from_registry` built every storage, so the error is for a registry built
    /// otherwise.
    fn storage_of(&self, declared: &Declared, name: &str) -> Result<&Storage, EnvError> {
        self.storages
            .get(&declared.variable.storage)
            .map(|s| &**s)
            .ok_or_else(|| EnvError::Storage {
                name: name.to_owned(),
                source: StorageError::Missing(declared.variable.storage.to_string()),
            })
    }

    /// The value of variable `name`.
    ///
    /// # Errors
    ///
    /// [`EnvError::NotFound`] when no variable has the name, or it has neither a value nor
    /// a default; [`EnvError::Storage`] when its storage failed (a `.env` file that cannot
    /// be read).
    pub fn get(&self, name: &str, caller_ns: Option<&str>) -> Result<String, EnvError> {
        let declared = self.find(name, caller_ns)?;
        let key = declared.variable.name(&declared.id);
        let value = self
            .storage_of(declared, name)?
            .get(&key)
            .map_err(|source| EnvError::Storage {
                name: name.to_owned(),
                source,
            })?;
        match value.filter(|v| !v.is_empty()) {
            Some(v) => Ok(v),
            None if !declared.variable.default.is_empty() => Ok(declared.variable.default.clone()),
            None => Err(EnvError::NotFound(name.to_owned())),
        }
    }

    /// Sets variable `name` to `value`.
    ///
    /// # Errors
    ///
    /// [`EnvError::NotFound`] when no variable has the name; [`EnvError::ReadOnly`] for a
    /// `readonly` one; [`EnvError::Storage`] when its storage is read-only (`os`,
    /// `static`) or failed (a `.env` file that cannot be written).
    pub fn set(&self, name: &str, value: &str, caller_ns: Option<&str>) -> Result<(), EnvError> {
        let declared = self.find(name, caller_ns)?;
        if declared.variable.readonly {
            return Err(EnvError::ReadOnly(name.to_owned()));
        }
        let key = declared.variable.name(&declared.id);
        self.storage_of(declared, name)?
            .set(&key, value)
            .map_err(|source| EnvError::Storage {
                name: name.to_owned(),
                source,
            })
    }

    /// Every variable of every storage, declared or not; where two storages have one
    /// name, the later storage's value (in load order).
    pub fn all(&self) -> BTreeMap<String, String> {
        let mut all = BTreeMap::new();
        for id in &self.order {
            if let Some(storage) = self.storages.get(id) {
                // A storage that cannot be listed (an unreadable file) adds nothing, as in
                // the original.
                if let Ok(values) = storage.list() {
                    all.extend(values);
                }
            }
        }
        all
    }
}

#[cfg(test)]
mod tests;
