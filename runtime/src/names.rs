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

/// Names → PIDs. Belongs to a [`Runtime`](crate::Runtime), never global.
#[derive(Debug, Default)]
pub(crate) struct Names {
    map: RwLock<HashMap<Arc<str>, Pid>>,
}

impl Names {
    /// Registers `name` to the process of `record`. Idempotent for the same process.
    pub(crate) fn register(&self, name: &str, record: &ProcessRecord) -> Result<(), RuntimeError> {
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
            .with_live(|relations| relations.names.push(name.clone()))
            .ok_or(RuntimeError::ProcessNotFound)?;
        map.insert(name, record.pid.clone());
        Ok(())
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<Pid> {
        self.map.read().get(name).cloned()
    }

    /// Removes `name`; `false` when it was not registered.
    pub(crate) fn unregister(&self, name: &str) -> Option<Pid> {
        self.map.write().remove(name)
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
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.map.read().len()
    }
}
