//! The runtime's record of one live process: where it runs and who is tied to it.
//!
//! Ownership: the [`Directory`](super::directory::Directory) holds one `Arc` while the
//! process lives, the process's own body wrapper holds another, and senders borrow it for
//! the length of one operation. The relation lists are behind one mutex; the process's
//! exit takes them out exactly once (setting `exited`), and every operation that adds to
//! them checks `exited` under the same lock, so nothing is added after the exit notices
//! went out.

use super::pid_set::PidSet;
use super::spawn_context::SpawnContext;
use crate::host::Host;
use crate::message::Outcome;
use crate::pid::Pid;
use crate::registry::EntryId;
use parking_lot::{Condvar, Mutex};
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use wippy_scheduler::Pid as SlotPid;

/// One live (or just exited) process.
#[derive(Debug)]
pub(crate) struct ProcessRecord {
    pub(crate) pid: Pid,
    pub(crate) entry: Option<EntryId>,
    pub(crate) host: Arc<Host>,
    /// The scheduler's pid; set once, right after the scheduler accepted the process.
    pub(crate) slot: OnceLock<SlotPid>,
    pub(crate) trap_links: AtomicBool,
    /// Set by the exit protocol before the process's EXIT and LINK_DOWN go out, so that
    /// a sender holding this record (a kept target, `process/target.rs`) finds the
    /// process gone from then on, as one that looks it up does; its scheduler slot may
    /// take a little longer to close.
    pub(crate) ended: AtomicBool,
    pub(crate) relations: Mutex<Relations>,
    pub(crate) waiter: Option<Arc<ExitWaiter>>,
    /// What the process hands down to its spawns (its own, from its spawner).
    pub(crate) context: Option<Arc<SpawnContext>>,
}

/// Who is tied to a process; see the module docs for the locking rule.
#[derive(Debug, Default)]
pub(crate) struct Relations {
    pub(crate) exited: bool,
    /// Linked processes (links are symmetric: each side lists the other).
    pub(crate) links: PidSet,
    /// Processes that monitor this one.
    pub(crate) monitors: PidSet,
    /// Processes this one monitors (so its exit can remove it from their lists).
    pub(crate) monitoring: PidSet,
    /// Names registered to this process: a vector behind one pointer, since few
    /// processes have a name (with a vector's three words in line, the record took the
    /// allocator's 320-byte size class instead of the 256-byte one). A vector, not a
    /// boxed slice, so that a process registering many names adds each in constant time
    /// (a slice copied at every addition made 100 000 names take 2.4 s).
    #[allow(clippy::box_collection)] // the box is the point: one word in the record
    names: Option<Box<Vec<Arc<str>>>>,
}

// With the `Arc`'s two counters, a record stays in mimalloc's 256-byte size class (the
// next is 320 bytes); a field added here must not push it over.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<ProcessRecord>() + 16 <= 256);

impl Relations {
    /// The names registered to this process.
    pub(crate) fn names(&self) -> &[Arc<str>] {
        self.names.as_deref().map_or(&[], Vec::as_slice)
    }

    pub(crate) fn add_name(&mut self, name: Arc<str>) {
        self.names.get_or_insert_default().push(name);
    }

    pub(crate) fn remove_name(&mut self, name: &str) {
        if let Some(names) = self.names.as_deref_mut() {
            names.retain(|n| &**n != name);
            if names.is_empty() {
                self.names = None;
            }
        }
    }
}

impl ProcessRecord {
    pub(crate) fn new(
        pid: Pid,
        entry: Option<EntryId>,
        host: Arc<Host>,
        relations: Relations,
        waiter: Option<Arc<ExitWaiter>>,
        context: Option<Arc<SpawnContext>>,
    ) -> ProcessRecord {
        ProcessRecord {
            pid,
            entry,
            host,
            slot: OnceLock::new(),
            trap_links: AtomicBool::new(false),
            ended: AtomicBool::new(false),
            relations: Mutex::new(relations),
            waiter,
            context,
        }
    }

    /// The scheduler pid. Set by the spawner right after the scheduler accepted the
    /// process, or by the process's own first step, whichever comes first; a caller that
    /// finds the record (it is published just before the scheduler spawn) in between
    /// waits for that moment. `None` when the spawn failed.
    pub(crate) fn slot(&self) -> Option<SlotPid> {
        let mut spins = 0_u32;
        loop {
            if let Some(slot) = self.slot.get() {
                return Some(*slot);
            }
            if self.relations.lock().exited {
                return None;
            }
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }

    pub(crate) fn traps_links(&self) -> bool {
        self.trap_links.load(Ordering::Relaxed)
    }

    /// Runs `f` on the relations unless the process has exited; `None` if it has.
    /// Takes the process's ties out for its exit protocol, once, and marks the record
    /// exited, so that nothing is tied to it afterwards (a `monitor` or `link` through a
    /// record still found finds it exited, and fails as for a dead process).
    pub(crate) fn take_relations(&self) -> Relations {
        let mut relations = self.relations.lock();
        let taken = std::mem::take(&mut *relations);
        // Set on what stays, not on what is taken: `take` leaves a default in its
        // place, whose `exited` is false (which let a monitor racing the exit return
        // true and never get its EXIT).
        relations.exited = true;
        taken
    }

    pub(crate) fn with_live<R>(&self, f: impl FnOnce(&mut Relations) -> R) -> Option<R> {
        let mut relations = self.relations.lock();
        if relations.exited {
            None
        } else {
            Some(f(&mut relations))
        }
    }
}

/// Lets a thread outside the scheduler wait for one process's outcome.
#[derive(Debug, Default)]
pub struct ExitWaiter {
    outcome: Mutex<Option<Outcome>>,
    ready: Condvar,
}

impl ExitWaiter {
    /// A waiter with no outcome yet.
    pub fn new() -> Arc<ExitWaiter> {
        Arc::new(ExitWaiter::default())
    }

    pub(crate) fn set(&self, outcome: Outcome) {
        *self.outcome.lock() = Some(outcome);
        self.ready.notify_all();
    }

    /// Blocks until the process has ended, and returns how.
    pub fn wait(&self) -> Outcome {
        let mut outcome = self.outcome.lock();
        loop {
            if let Some(outcome) = outcome.as_ref() {
                return outcome.clone();
            }
            self.ready.wait(&mut outcome);
        }
    }

    /// As [`wait`](Self::wait), giving up after `timeout`.
    pub fn wait_timeout(&self, timeout: std::time::Duration) -> Option<Outcome> {
        let deadline = std::time::Instant::now() + timeout;
        let mut outcome = self.outcome.lock();
        loop {
            if let Some(outcome) = outcome.as_ref() {
                return Some(outcome.clone());
            }
            if self.ready.wait_until(&mut outcome, deadline).timed_out() {
                return outcome.clone();
            }
        }
    }

    /// The outcome, if the process has ended.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome.lock().clone()
    }
}
