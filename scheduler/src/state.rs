//! The process state word: who may run a process, and whether it must run again.
//!
//! Every process has one `AtomicUsize` that decides, without a lock, whether a wake-up
//! must put the process into a run queue. The flags below are the whole protocol; no
//! other field decides scheduling.
//!
//! ```text
//!              notify                 start_run
//!   idle (0) ─────────► SCHEDULED ────────────────► RUNNING
//!      ▲                    ▲                          │ notify
//!      │ finish_wait        │ finish_wait / finish_yield▼
//!      └──────────────── RUNNING ◄─── (re-run) ── RUNNING|NOTIFIED
//!                                                      │ finish_exit
//!                                                      ▼
//!                                                    DONE
//! ```
//!
//! Invariants:
//! - A process is in at most one run queue at a time: only the transition that sets
//!   [`SCHEDULED`] (in [`State::notify`], [`State::finish_wait`] or
//!   [`State::finish_yield`]) may enqueue it, and only [`State::start_run`] clears it.
//! - A wake-up is never lost: a `notify` that lands while the process runs sets
//!   [`NOTIFIED`], and the end of that run turns it into a new [`SCHEDULED`].
//! - [`DONE`] is final; `notify` on a done process does nothing.
//!
//! Orderings: every transition is an `AcqRel` read-modify-write on the one word. A
//! waker's writes before its `notify` (a message pushed into the mailbox, a timer
//! marked fired) therefore happen-before the next run of the process, because that run
//! starts with `start_run`, which reads (acquires) the word that `notify` released.

use crate::loom::atomic::{AtomicUsize, Ordering};

/// The process is in a run queue (or being put into one) and not running.
///
/// Set by whoever wins the transition out of idle; cleared only by [`State::start_run`].
/// Excludes [`RUNNING`] and [`DONE`].
pub(crate) const SCHEDULED: usize = 1 << 0;

/// A worker is executing the process's step right now.
///
/// Set by [`State::start_run`], cleared by the `finish_*` transitions. Only the worker
/// that set it may touch the process body. Excludes [`SCHEDULED`].
pub(crate) const RUNNING: usize = 1 << 1;

/// The process was woken while [`RUNNING`]; the step must run again afterwards.
///
/// Only ever set together with [`RUNNING`]. [`State::finish_wait`] turns it into
/// [`SCHEDULED`].
pub(crate) const NOTIFIED: usize = 1 << 2;

/// The process has exited. Final: no flag is ever set again.
pub(crate) const DONE: usize = 1 << 3;

/// What a wake-up must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a Schedule outcome obliges the caller to enqueue the process"]
pub(crate) enum Wake {
    /// The process was idle: the caller now owns the one queue entry and must enqueue it.
    Schedule,
    /// Already scheduled, or running and now marked [`NOTIFIED`]: nothing to do.
    Coalesced,
    /// The process has exited.
    Done,
}

/// The atomic state word of one process.
#[derive(Debug)]
pub(crate) struct State(AtomicUsize);

impl State {
    /// A new process, already [`SCHEDULED`]: its spawner enqueues it once.
    pub(crate) fn new_scheduled() -> Self {
        Self(AtomicUsize::new(SCHEDULED))
    }

    /// Wakes the process (a message, a timer, a signal or a waitable fired).
    pub(crate) fn notify(&self) -> Wake {
        let mut current = self.0.load(Ordering::Acquire);
        loop {
            let (next, outcome) = if current & DONE != 0 {
                return Wake::Done;
            } else if current & (SCHEDULED | NOTIFIED) != 0 {
                // Someone already guaranteed a future run that will see our writes,
                // but we still need the release below so that run observes them.
                (current, Wake::Coalesced)
            } else if current & RUNNING != 0 {
                (current | NOTIFIED, Wake::Coalesced)
            } else {
                (current | SCHEDULED, Wake::Schedule)
            };
            // Pairs with the Acquire in `start_run`/`finish_wait`: our prior writes
            // (mailbox push, timer fired) are visible to the run this guarantees.
            match self
                .0
                .compare_exchange_weak(current, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return outcome,
                Err(actual) => current = actual,
            }
        }
    }

    /// A worker takes the process out of a run queue and starts its step.
    pub(crate) fn start_run(&self) {
        // Pairs with the release in `notify`: the step sees what the waker wrote.
        let previous = self.0.fetch_xor(SCHEDULED | RUNNING, Ordering::AcqRel);
        debug_assert_eq!(
            previous & (SCHEDULED | RUNNING | NOTIFIED | DONE),
            SCHEDULED
        );
    }

    /// The step returned "wait". Returns `true` if it was notified meanwhile, in which
    /// case it is [`SCHEDULED`] again and the caller must enqueue it.
    pub(crate) fn finish_wait(&self) -> bool {
        let mut current = self.0.load(Ordering::Acquire);
        loop {
            debug_assert!(current & RUNNING != 0 && current & DONE == 0);
            let notified = current & NOTIFIED != 0;
            let next = if notified {
                (current & !(RUNNING | NOTIFIED)) | SCHEDULED
            } else {
                current & !RUNNING
            };
            // Release pairs with the Acquire in `notify`: a waker that sees us idle
            // also sees everything this run did. Acquire pairs with `notify`'s release
            // when we pick up a NOTIFIED set during the run.
            match self
                .0
                .compare_exchange_weak(current, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return notified,
                Err(actual) => current = actual,
            }
        }
    }

    /// The step asked to run again later (it yielded). The process is [`SCHEDULED`]
    /// and the caller must enqueue it.
    pub(crate) fn finish_yield(&self) {
        let previous = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |current| {
                Some((current & !(RUNNING | NOTIFIED)) | SCHEDULED)
            })
            .unwrap_or_else(|current| current);
        debug_assert!(previous & RUNNING != 0);
    }

    /// The process exited. No later `notify` will schedule it.
    pub(crate) fn finish_exit(&self) {
        // A read-modify-write, not a store: it is ordered after every `notify` CAS in
        // the word's modification order and keeps the release sequence unbroken, so a
        // racing `notify` either lands before (and is discarded) or sees DONE.
        let previous = self.0.swap(DONE, Ordering::AcqRel);
        debug_assert!(previous & RUNNING != 0 && previous & DONE == 0);
    }

    /// `true` once the process has exited.
    pub(crate) fn is_done(&self) -> bool {
        self.0.load(Ordering::Acquire) & DONE != 0
    }

    #[cfg(test)]
    pub(crate) fn bits(&self) -> usize {
        self.0.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod test;
