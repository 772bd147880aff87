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
//! step reads it (`feed::collect`). The mutex is held for a few words' copy only.

use super::channel::OpId;
use parking_lot::Mutex;
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

#[derive(Debug)]
enum State {
    /// Neither booted nor ended yet; `waiting`: the spawner waits (wake it).
    Pending {
        waiting: bool,
    },
    Done(Started),
    /// The spawner took the outcome.
    Taken,
}

/// The boot watch of one spawn that a coroutine waits on (see the module docs).
#[derive(Debug)]
pub(crate) struct BootWait {
    state: Mutex<State>,
    notifier: Notifier,
    /// The spawner, whose link and monitor of a child that fails to boot deliver nothing.
    spawner: Pid,
}

impl BootWait {
    pub(crate) fn new(notifier: Notifier, spawner: Pid) -> BootWait {
        BootWait {
            state: Mutex::new(State::Pending { waiting: false }),
            notifier,
            spawner,
        }
    }

    /// Ready for another spawn (its owner holds the only reference).
    pub(crate) fn reset(&self) {
        *self.state.lock() = State::Pending { waiting: false };
    }

    /// The outcome, taken, if there is one; otherwise the spawner now waits for it (and
    /// is woken when it comes).
    pub(crate) fn take_or_wait(&self) -> Option<Started> {
        let mut state = self.state.lock();
        match std::mem::replace(&mut *state, State::Taken) {
            State::Done(started) => Some(started),
            State::Pending { .. } => {
                *state = State::Pending { waiting: true };
                None
            }
            State::Taken => None,
        }
    }

    /// The outcome, taken, if there is one.
    pub(crate) fn take(&self) -> Option<Started> {
        let mut state = self.state.lock();
        match std::mem::replace(&mut *state, State::Taken) {
            State::Done(started) => Some(started),
            other => {
                *state = other;
                None
            }
        }
    }

    /// Records the outcome if none came before; `false` if one did.
    fn settle(&self, started: Started) -> bool {
        let waiting = {
            let mut state = self.state.lock();
            let State::Pending { waiting } = *state else {
                return false;
            };
            *state = State::Done(started);
            waiting
        };
        if waiting {
            self.notifier.notify();
        }
        true
    }
}

impl BootWatch for BootWait {
    fn booted(&self, _pid: &Pid) {
        self.settle(Started::Yes);
    }

    fn boot_delayed(&self, _pid: &Pid) {
        self.settle(Started::Yes);
    }

    fn failed_to_boot(&self, _pid: &Pid, outcome: &Outcome) -> Option<Pid> {
        let cause = match outcome {
            Outcome::Error(error) => error.message().to_owned(),
            Outcome::Normal(_) => "the process ended before it started".to_owned(),
        };
        // As the original's spawn result: kind `Internal`, not retryable.
        let error = ErrorValue::new(ErrorKind::Internal, format!("spawn failed: {cause}"))
            .with_retryable(false);
        self.settle(Started::No(error))
            .then(|| self.spawner.clone())
    }
}

/// A coroutine waiting in a spawn for the child `pid` to boot.
#[derive(Debug)]
pub(crate) struct PendingStart {
    pub(crate) wait: std::sync::Arc<BootWait>,
    pub(crate) op: OpId,
    pub(crate) pid: Pid,
}
