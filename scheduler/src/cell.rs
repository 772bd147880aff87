//! The record of one live process, shared by the table, run queues, timers and senders.
//!
//! Who may touch which field:
//!
//! | field       | writers                                  | readers                      |
//! |-------------|------------------------------------------|------------------------------|
//! | `state`     | anyone (CAS protocol of `state.rs`)      | anyone                       |
//! | `mailbox`   | push: any sender; pop: the running worker| the running worker           |
//! | `signals`   | push: any thread; pop: the running worker| the running worker           |
//! | `kill`      | set once by `Handle::kill`/shutdown      | the worker starting a run    |
//! | `body`      | the worker holding `RUNNING`             | the same                     |
//! | `local`     | the worker holding `RUNNING`             | the same                     |
//! | `watchers`  | monitor/demonitor (any thread), exit     | exit                         |
//!
//! "The worker holding `RUNNING`" is the one that won `State::start_run`; at most one
//! exists at a time, which is what makes the `UnsafeCell` accesses sound.

use crate::loom::{Mutex, UnsafeCell};
use crate::mailbox::{Mailbox, Pop};
use crate::pid::Pid;
use crate::process::{Exit, MonitorRef, PreemptHook, Process, Reason, Signal};
use crate::state::State;
use crate::table::Entry;
use crate::timer::Timer;
use smallvec::SmallVec;
use std::sync::{Arc, OnceLock};
// A placement hint, in no protocol: std's atomic even under loom (see `loom.rs`).
use std::sync::atomic::AtomicU32;

/// A run-queue entry.
pub(crate) type Task<M> = Arc<Cell<M>>;

/// Who watches a process; one watcher (the spawner's monitor) fits without allocating.
pub(crate) type Watchers<M> = SmallVec<[Watcher<M>; 1]>;

/// Someone to tell when the process exits.
pub(crate) enum Watcher<M> {
    /// A process monitor: deliver [`Signal::Down`].
    Process { pid: Pid, monitor: MonitorRef },
    /// A thread waiting on a [`JoinHandle`](crate::JoinHandle).
    Join(Arc<JoinSlot<M>>),
}

/// Where a [`JoinHandle`](crate::JoinHandle) waits for the exit.
pub(crate) struct JoinSlot<M> {
    pub(crate) exit: Mutex<Option<Arc<Exit<M>>>>,
    pub(crate) condvar: crate::loom::Condvar,
}

/// Process-private scratch state, kept between steps.
#[derive(Default)]
pub(crate) struct Local {
    /// The timer armed by `Context::recv_timeout` while it waits.
    pub(crate) recv_timer: Option<Timer>,
}

pub(crate) struct Cell<M> {
    pid: Pid,
    pub(crate) state: State,
    pub(crate) mailbox: Mailbox<M>,
    pub(crate) signals: Mailbox<Signal<M>>,
    kill: OnceLock<Reason>,
    body: UnsafeCell<Option<Box<dyn Process<M>>>>,
    local: UnsafeCell<Local>,
    /// `None` once the process has exited: late monitors then fail.
    watchers: Mutex<Option<Watchers<M>>>,
    pub(crate) preempt_hook: Option<PreemptHook>,
    /// The worker that last ran the process (`NO_HOME` before its first run). Written
    /// by that worker when a run starts; read by wakers to queue the process where its
    /// data is (`worker::schedule_local`). Only a placement hint: Relaxed.
    pub(crate) home: AtomicU32,
}

/// `Cell::home` of a process that has not run yet.
pub(crate) const NO_HOME: u32 = u32::MAX;

// SAFETY: the `UnsafeCell`s (`body`, `local`) are only accessed by the worker that holds
// the process in the RUNNING state, and the state word's AcqRel transitions order one
// run's accesses before the next run's (see `state.rs`). `body` is `Send`, messages
// `M: Send`; everything else is atomics and locks.
unsafe impl<M: Send> Sync for Cell<M> {}
// SAFETY: all fields are `Send` when `M: Send` (the body is `Box<dyn Process<M>>`,
// which is `Send` by the trait's bound).
unsafe impl<M: Send> Send for Cell<M> {}

impl<M> Entry for Cell<M> {
    fn pid(&self) -> Pid {
        self.pid
    }
}

impl<M> Cell<M> {
    pub(crate) fn new(
        pid: Pid,
        body: Box<dyn Process<M>>,
        watchers: Watchers<M>,
        preempt_hook: Option<PreemptHook>,
    ) -> Self {
        Self {
            pid,
            state: State::new_scheduled(),
            mailbox: Mailbox::new(),
            signals: Mailbox::new(),
            kill: OnceLock::new(),
            body: UnsafeCell::new(Some(body)),
            local: UnsafeCell::new(Local::default()),
            watchers: Mutex::new(Some(watchers)),
            preempt_hook,
            home: AtomicU32::new(NO_HOME),
        }
    }

    pub(crate) fn pid(&self) -> Pid {
        self.pid
    }

    /// Asks for the process to be killed at its next scheduling. First reason wins.
    pub(crate) fn request_kill(&self, reason: Reason) {
        let _ = self.kill.set(reason);
    }

    pub(crate) fn kill_reason(&self) -> Option<Reason> {
        self.kill.get().cloned()
    }

    /// Runs `f` on the body.
    ///
    /// # Safety
    ///
    /// - The caller holds the process in the RUNNING state (it won `State::start_run`
    ///   and has not called a `finish_*` transition yet).
    pub(crate) unsafe fn with_body<R>(
        &self,
        f: impl FnOnce(Option<&mut Box<dyn Process<M>>>) -> R,
    ) -> R {
        // SAFETY: exclusive access is guaranteed by the caller holding RUNNING.
        self.body.with_mut(|body| f(unsafe { (*body).as_mut() }))
    }

    /// Takes the body and the local state out, to drop them at exit.
    ///
    /// # Safety
    ///
    /// - The caller holds the process in the RUNNING state.
    pub(crate) unsafe fn take_body(&self) -> (Option<Box<dyn Process<M>>>, Local) {
        // SAFETY: exclusive access is guaranteed by the caller holding RUNNING.
        let body = self.body.with_mut(|body| unsafe { (*body).take() });
        // SAFETY: as above.
        let local = self
            .local
            .with_mut(|local| unsafe { std::mem::take(&mut *local) });
        (body, local)
    }

    /// The process-private scratch state.
    ///
    /// # Safety
    ///
    /// - The caller holds the process in the RUNNING state, and does not keep the
    ///   reference beyond the current step.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn local(&self) -> &mut Local {
        // SAFETY: exclusive access is guaranteed by the caller holding RUNNING.
        self.local.with_mut(|local| unsafe { &mut *local })
    }

    /// Pops a message. The caller must hold RUNNING (see `with_body`).
    ///
    /// # Safety
    ///
    /// - The caller holds the process in the RUNNING state.
    pub(crate) unsafe fn pop_message(&self) -> Option<M> {
        // SAFETY: the running worker is the single consumer.
        match unsafe { self.mailbox.pop() } {
            Pop::Message(m) => Some(m),
            Pop::Empty | Pop::Inconsistent => None,
        }
    }

    /// `true` when a message or a signal waits (or is being pushed).
    ///
    /// # Safety
    ///
    /// - The caller holds the process in the RUNNING state (the queues' consumer).
    pub(crate) unsafe fn has_pending(&self) -> bool {
        self.mailbox.has_pending() || self.signals.has_pending()
    }

    /// Pops a signal.
    ///
    /// # Safety
    ///
    /// - The caller holds the process in the RUNNING state.
    pub(crate) unsafe fn pop_signal(&self) -> Option<Signal<M>> {
        // SAFETY: the running worker is the single consumer.
        match unsafe { self.signals.pop() } {
            Pop::Message(m) => Some(m),
            Pop::Empty | Pop::Inconsistent => None,
        }
    }

    /// Drops every message and signal queued now, for a process that is ending: what it
    /// never took goes with it, rather than with its record, which the table frees only
    /// once no reader can see it (a thread's deferred frees can wait for dozens of later
    /// exits on that thread). A push that is half done, and whatever a sender holding
    /// the record pushes later, still goes with the record.
    ///
    /// # Safety
    ///
    /// - The caller holds the process in the RUNNING state.
    pub(crate) unsafe fn drop_queued(&self) {
        // SAFETY: guaranteed by the caller; the running worker is the single consumer.
        unsafe {
            while let Pop::Message(message) = self.mailbox.pop() {
                drop(message);
            }
            while let Pop::Message(signal) = self.signals.pop() {
                drop(signal);
            }
        }
    }

    /// Adds a watcher; hands it back if the process has already exited.
    pub(crate) fn add_watcher(&self, watcher: Watcher<M>) -> Result<(), Watcher<M>> {
        match self.watchers.lock().as_mut() {
            Some(list) => {
                list.push(watcher);
                Ok(())
            }
            None => Err(watcher),
        }
    }

    /// Removes the process monitor `monitor`. Returns `true` if it was registered.
    pub(crate) fn remove_monitor(&self, monitor: MonitorRef) -> bool {
        let mut guard = self.watchers.lock();
        let Some(list) = guard.as_mut() else {
            return false;
        };
        let before = list.len();
        list.retain(|w| !matches!(w, Watcher::Process { monitor: m, .. } if *m == monitor));
        list.len() != before
    }

    /// Closes the watcher list at exit and returns who must be told.
    pub(crate) fn take_watchers(&self) -> Watchers<M> {
        self.watchers.lock().take().unwrap_or_default()
    }
}

impl<M> std::fmt::Debug for Cell<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cell")
            .field("pid", &self.pid)
            .finish_non_exhaustive()
    }
}
