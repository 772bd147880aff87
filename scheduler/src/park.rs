//! A parker: lets one worker sleep until another thread wakes it, losing no wake-up.
//!
//! The owner worker calls [`Parker::park`]; any thread calls [`Parker::unpark`]. An
//! `unpark` that happens before the `park` makes that `park` return at once.

use crate::loom::{Condvar, Mutex};

#[derive(Debug, Default)]
pub(crate) struct Parker {
    /// `true` when an `unpark` has not been consumed by a `park` yet.
    notified: Mutex<bool>,
    condvar: Condvar,
}

impl Parker {
    pub(crate) fn new() -> Self {
        Self {
            notified: Mutex::new(false),
            condvar: Condvar::new(),
        }
    }

    /// Blocks until unparked (returns at once if an unpark is pending).
    pub(crate) fn park(&self) {
        let mut notified = self.notified.lock();
        while !*notified {
            notified = self.condvar.wait(notified);
        }
        *notified = false;
    }

    /// Wakes the owner, now or at its next `park`.
    pub(crate) fn unpark(&self) {
        let mut notified = self.notified.lock();
        *notified = true;
        drop(notified);
        self.condvar.notify_one();
    }
}
