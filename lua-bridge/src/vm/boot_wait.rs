//! A `process.spawn*` call waiting for its child to boot.
//!
//! The original's spawn runs the child's top level and finds its method before it
//! returns, so a script that fails there fails the spawn: `nil, err`, and no EXIT or
//! LINK_DOWN, for the process never started. Here the child runs its top level on its
//! own, as its own code (it may be preempted, or wait), and the spawner waits for it:
//! the spawn hands the runtime a [`BootWait`] as the child's [`BootWatch`]; the call
//! returns at once when the child has booted by the time the spawn returns (always so
//! for an entry whose top level cannot fail, `crate::boot_check`), and otherwise
//! blocks the calling coroutine until the child has booted, failed, or taken long (its
//! top level waits for something or has used up a time slice: the call then returns
//! the PID, and a later failure comes as an EXIT, as for a process that fails in
//! `main`).
//!
//! Ownership: the spawning coroutine's call makes the `BootWait` and keeps it in its
//! process state ([`PendingStart`], in `Occasional::starts`) while it waits; the runtime
//! keeps the other reference with the child until the child boots or ends. The child's
//! thread writes the outcome and wakes the spawner through its notifier; the spawner's
//! step reads it (`feed::collect`). A spawn whose child booted at once takes its outcome
//! in the call and keeps the watch for its next spawn (`SpawnIds::spare_boot_wait`).

use super::channel::OpId;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::{ErrorKind, ErrorValue};
use wippy_runtime::pid::Pid;
use wippy_runtime::process::BootWatch;
use wippy_scheduler::Notifier;

/// What a spawner learns of its child's start.
#[derive(Debug)]
pub(crate) enum Started {
    /// The spawn returns the child's PID.
    Yes,
    /// The spawn fails with this error (the child ended before it booted).
    No(ErrorValue),
}

/// [`BootWait::state`]: neither booted nor ended yet.
const PENDING: u8 = 0;
/// Pending, and the spawner waits: wake it when the outcome comes.
const WAITING: u8 = 1;
/// The spawn returns the child's PID.
const STARTED: u8 = 2;
/// The spawn fails with [`BootWait::error`].
const FAILED: u8 = 3;
/// The spawner took the outcome.
const TAKEN: u8 = 4;

/// The boot watch of one spawn that a coroutine waits on (see the module docs).
///
/// The child's side moves [`state`](Self::state) from `PENDING` or `WAITING` to an
/// outcome, once (a compare-and-swap); the spawner's side moves it from `PENDING` to
/// `WAITING`, and from an outcome to `TAKEN`. The error is written before `FAILED` is
/// published and read after it is seen.
#[derive(Debug)]
pub(crate) struct BootWait {
    state: AtomicU8,
    error: Mutex<Option<ErrorValue>>,
    notifier: Notifier,
    /// The spawner, whose link and monitor of a child that fails to boot deliver nothing.
    spawner: Pid,
}

impl BootWait {
    pub(crate) fn new(notifier: Notifier, spawner: Pid) -> BootWait {
        BootWait {
            state: AtomicU8::new(PENDING),
            error: Mutex::new(None),
            notifier,
            spawner,
        }
    }

    /// Ready for another spawn (its owner holds the only reference).
    pub(crate) fn reset(&self) {
        self.state.store(PENDING, Ordering::Relaxed);
    }

    /// The outcome, taken, if there is one; otherwise the spawner now waits for it (and
    /// is woken when it comes).
    pub(crate) fn take_or_wait(&self) -> Option<Started> {
        match self
            .state
            .compare_exchange(PENDING, WAITING, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => None,
            Err(_) => self.take(),
        }
    }

    /// The outcome, taken, if there is one.
    pub(crate) fn take(&self) -> Option<Started> {
        let started = match self.state.load(Ordering::Acquire) {
            STARTED => Started::Yes,
            FAILED => Started::No(self.error.lock().take().unwrap_or_else(|| {
                ErrorValue::new(ErrorKind::Internal, "spawn failed").with_retryable(false)
            })),
            _ => return None,
        };
        // Only the spawner writes once an outcome is in.
        self.state.store(TAKEN, Ordering::Relaxed);
        Some(started)
    }

    /// Records the outcome if none came before; `false` if one did.
    fn settle(&self, outcome: u8) -> bool {
        let mut current = self.state.load(Ordering::Acquire);
        loop {
            if current != PENDING && current != WAITING {
                return false;
            }
            match self.state.compare_exchange_weak(
                current,
                outcome,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(now) => current = now,
            }
        }
        if current == WAITING {
            self.notifier.notify();
        }
        true
    }
}

impl BootWatch for BootWait {
    fn booted(&self, _pid: &Pid) {
        self.settle(STARTED);
    }

    fn boot_delayed(&self, _pid: &Pid) {
        self.settle(STARTED);
    }

    fn failed_to_boot(&self, _pid: &Pid, outcome: &Outcome) -> Option<Pid> {
        let cause = match outcome {
            Outcome::Error(error) => error.message().to_owned(),
            Outcome::Normal(_) => "the process ended before it started".to_owned(),
        };
        // As the original's spawn result: kind `Internal`, not retryable.
        let error = ErrorValue::new(ErrorKind::Internal, format!("spawn failed: {cause}"))
            .with_retryable(false);
        // Written before `FAILED` is published; an outcome that came first wins, and
        // this error is never read.
        *self.error.lock() = Some(error);
        self.settle(FAILED).then(|| self.spawner.clone())
    }
}

/// A coroutine waiting in a spawn for the child `pid` to boot.
#[derive(Debug)]
pub(crate) struct PendingStart {
    pub(crate) wait: std::sync::Arc<BootWait>,
    pub(crate) op: OpId,
    pub(crate) pid: Pid,
}
