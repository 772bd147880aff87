//! The name registry of one runtime instance: `register`, `lookup`, `unregister`.
//!
//! A name maps to one live process. The owner's record lists its names, and the
//! process's exit releases them (only where the name still maps to that process).

use crate::error::RuntimeError;
use crate::pid::Pid;
use crate::process::record::ProcessRecord;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Names → PIDs. Belongs to a [`Runtime`](crate::Runtime), never global.
#[derive(Debug, Default)]
pub(crate) struct Names {
    map: RwLock<HashMap<Arc<str>, Pid>>,
    /// Bumped (under the write lock) by every change of the map: a lookup made at
    /// generation `g` still holds while the generation is `g`.
    generation: AtomicU64,
}

impl Names {
    /// Registers `name` to the process of `record`. Idempotent for the same process. An
    /// empty name is refused ([`RuntimeError::EmptyName`]): no lookup or send could tell
    /// it from a missing one.
    pub(crate) fn register(&self, name: &str, record: &ProcessRecord) -> Result<(), RuntimeError> {
        if name.is_empty() {
            return Err(RuntimeError::EmptyName);
        }
        let mut map = self.map.write();
        if let Some(owner) = map.get(name) {
            return if *owner == record.pid {
                Ok(())
            } else {
                Err(RuntimeError::NameTaken(name.to_owned()))
            };
        }
        let name: Arc<str> = Arc::from(name);
        // Lock order: names, then the record's relations (the exit path releases names
        // after it has dropped the relations lock, so there is no cycle).
        record
            .with_live(|relations| relations.add_name(name.clone()))
            .ok_or(RuntimeError::ProcessNotFound)?;
        map.insert(name, record.pid.clone());
        self.generation.fetch_add(1, Ordering::Release);
        Ok(())
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<Pid> {
        self.map.read().get(name).cloned()
    }

    /// [`lookup`](Self::lookup), with the generation the answer belongs to.
    pub(crate) fn lookup_at(&self, name: &str) -> (Option<Pid>, u64) {
        let map = self.map.read();
        (
            map.get(name).cloned(),
            self.generation.load(Ordering::Acquire),
        )
    }

    /// The current generation (see the field).
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Removes `name`; `false` when it was not registered.
    pub(crate) fn unregister(&self, name: &str) -> Option<Pid> {
        let mut map = self.map.write();
        let removed = map.remove(name);
        if removed.is_some() {
            self.generation.fetch_add(1, Ordering::Release);
        }
        removed
    }

    /// Releases the names `pid` still holds (called once, at its exit).
    pub(crate) fn release(&self, pid: &Pid, names: &[Arc<str>]) {
        if names.is_empty() {
            return;
        }
        let mut map = self.map.write();
        for name in names {
            if map.get(name).is_some_and(|owner| owner == pid) {
                map.remove(name);
                self.generation.fetch_add(1, Ordering::Release);
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.map.read().len()
    }
}
