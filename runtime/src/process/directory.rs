//! The node's map from PID counter to live process record.
//!
//! Sharded by the counter's low bits so that spawns and sends on different processes
//! rarely share a lock; each lock is held for one hash-map operation. Each shard has a
//! cache line of its own: consecutive counters fall in neighbouring shards, and a spawn
//! on one worker and the exit of the process spawned just before on another would
//! otherwise write the same line.

use super::record::ProcessRecord;
use crate::pid::Pid;
use crossbeam_utils::CachePadded;
use parking_lot::Mutex;
use rustc_hash::FxHashMap;
use std::sync::Arc;

const SHARDS: usize = 64;

type Shard = CachePadded<Mutex<FxHashMap<u64, Arc<ProcessRecord>>>>;

/// Counter → record, for every live process of a runtime.
#[derive(Debug)]
pub(crate) struct Directory {
    shards: Box<[Shard]>,
}

impl Directory {
    pub(crate) fn new() -> Directory {
        Directory {
            shards: (0..SHARDS)
                .map(|_| CachePadded::new(Mutex::new(FxHashMap::default())))
                .collect(),
        }
    }

    fn shard(&self, counter: u64) -> &Shard {
        &self.shards[(counter as usize) % SHARDS]
    }

    pub(crate) fn insert(&self, record: Arc<ProcessRecord>) {
        self.shard(record.pid.counter())
            .lock()
            .insert(record.pid.counter(), record);
    }

    pub(crate) fn remove(&self, pid: &Pid) {
        let mut shard = self.shard(pid.counter()).lock();
        if shard
            .get(&pid.counter())
            .is_some_and(|record| record.pid == *pid)
        {
            shard.remove(&pid.counter());
        }
    }

    /// The record for `counter`, if that process is alive.
    pub(crate) fn get(&self, counter: u64) -> Option<Arc<ProcessRecord>> {
        self.shard(counter).lock().get(&counter).cloned()
    }

    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|shard| shard.lock().len()).sum()
    }
}
