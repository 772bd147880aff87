//! What a running step can do: receive, send, spawn, arm timers, monitor, select.

use crate::cell::{Task, Watcher, Watchers};
use crate::error::{NotFound, SendError, SpawnError};
use crate::loom::atomic::Ordering;
use crate::notifier::Notifier;
use crate::pid::Pid;
use crate::process::{MonitorRef, Process, Signal, SpawnOptions};
use crate::scheduler::Handle;
use crate::shared::Shared;
use crate::timer::{Timer, TimerEntry};
use crate::worker::WorkerMeter;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The running process's view of the scheduler, passed to [`Process::step`].
///
/// It lives for one step. Receiving (`recv`, `recv_signal`, `recv_timeout`) is only
/// possible here, because only the running process may read its mailbox.
pub struct Context<'a, M> {
    cell: &'a Task<M>,
    shared: &'a Arc<Shared<M>>,
    meter: &'a WorkerMeter,
}

/// The result of [`Context::recv_timeout`].
#[derive(Debug, PartialEq, Eq)]
pub enum RecvTimeout<M> {
    /// A message arrived in time.
    Message(M),
    /// Nothing yet: return [`Step::Wait`](crate::Step::Wait) and call again when woken.
    Pending,
    /// The timeout elapsed with no message.
    TimedOut,
}

/// One source of a [`Context::select`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Source<'a> {
    /// The process's mailbox holds a message.
    Mailbox,
    /// The process has a signal pending.
    Signals,
    /// The timer has fired.
    Timer(&'a Timer),
    /// A waitable of the caller's own, already evaluated: `true` if ready. Whatever
    /// makes it ready must wake the process through a [`Notifier`].
    Ready(bool),
}

impl<'a, M: Send + Sync + 'static> Context<'a, M> {
    pub(crate) fn new(
        cell: &'a Task<M>,
        shared: &'a Arc<Shared<M>>,
        meter: &'a WorkerMeter,
    ) -> Self {
        Self {
            cell,
            shared,
            meter,
        }
    }

    /// This process's id.
    pub fn pid(&self) -> Pid {
        self.cell.pid()
    }

    /// A handle to this process's scheduler.
    pub fn handle(&self) -> Handle<M> {
        Handle::from_shared(Arc::clone(self.shared))
    }

    /// Takes the oldest message, if any. Never blocks: if it returns `None`, return
    /// [`Step::Wait`](crate::Step::Wait) and the next message will run the process again.
    pub fn recv(&mut self) -> Option<M> {
        // SAFETY: a Context exists only inside a step, on the worker holding RUNNING.
        unsafe { self.cell.pop_message() }
    }

    /// `true` when a message or a signal waits: a step that finds nothing here may return
    /// [`Step::Wait`](crate::Step::Wait) without draining its queues again (whatever
    /// arrives later runs the process again).
    pub fn has_pending(&self) -> bool {
        // SAFETY: as in `recv`.
        unsafe { self.cell.has_pending() }
    }

    /// Takes the oldest signal (monitor notices, cancel requests, user signals).
    /// Check signals before messages to give them priority.
    pub fn recv_signal(&mut self) -> Option<Signal<M>> {
        // SAFETY: as in `recv`.
        unsafe { self.cell.pop_signal() }
    }

    /// Receives with a timeout that spans steps: the first call that finds no message
    /// arms a timer, later calls report the message, [`RecvTimeout::Pending`], or
    /// [`RecvTimeout::TimedOut`] once the timer fired first.
    ///
    /// A message ends the wait and disarms the timer: a step that goes on waiting after
    /// one must call `recv_timeout` again before it returns
    /// [`Step::Wait`](crate::Step::Wait), or nothing wakes it when the new timeout
    /// passes. Return `Wait` after `Pending` only:
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use wippy_scheduler::{Context, RecvTimeout, Step};
    /// let step = |cx: &mut Context<'_, u32>| -> Step<u32> { loop {
    ///     match cx.recv_timeout(Duration::from_millis(100)) {
    ///         RecvTimeout::Message(n) => println!("got {n}"),
    ///         RecvTimeout::Pending => return Step::Wait,
    ///         RecvTimeout::TimedOut => return Step::Done(None),
    ///     }
    /// } };
    /// # let _ = step;
    /// ```
    pub fn recv_timeout(&mut self, timeout: Duration) -> RecvTimeout<M> {
        if let Some(message) = self.recv() {
            // SAFETY: as in `recv`; the reference does not outlive this call.
            unsafe { self.cell.local() }.recv_timer = None;
            return RecvTimeout::Message(message);
        }
        let armed = {
            // SAFETY: as above.
            let local = unsafe { self.cell.local() };
            match &local.recv_timer {
                Some(timer) if timer.fired() => {
                    local.recv_timer = None;
                    return RecvTimeout::TimedOut;
                }
                Some(_) => true,
                None => false,
            }
        };
        if !armed {
            let timer = self.timer(timeout);
            // SAFETY: as above.
            unsafe { self.cell.local() }.recv_timer = Some(timer);
        }
        RecvTimeout::Pending
    }

    /// Sends `message` to `pid`; hands it back if that process does not exist. `Ok`
    /// means the message is in the mailbox, not that it will be read: a process that
    /// ends first drops what it did not read, as an Erlang process does.
    pub fn send(&self, pid: Pid, message: M) -> Result<(), SendError<M>> {
        self.shared.send(pid, message)
    }

    /// Spawns a process on this scheduler. It runs after the current step, on this or
    /// another worker.
    pub fn spawn<P: Process<M>>(&self, process: P) -> Result<Pid, SpawnError> {
        self.shared.spawn(Box::new(process), Watchers::new(), None)
    }

    /// Spawns with options (e.g. a preempt hook).
    pub fn spawn_with<P: Process<M>>(
        &self,
        process: P,
        options: SpawnOptions,
    ) -> Result<Pid, SpawnError> {
        self.shared
            .spawn(Box::new(process), Watchers::new(), options.preempt_hook)
    }

    /// Spawns a process monitored by this one, atomically: even an immediate exit
    /// produces a [`Signal::Down`].
    pub fn spawn_monitored<P: Process<M>>(
        &self,
        process: P,
    ) -> Result<(Pid, MonitorRef), SpawnError> {
        let monitor = self.shared.new_monitor_ref();
        let watcher = Watcher::Process {
            pid: self.pid(),
            monitor,
        };
        let pid = self
            .shared
            .spawn(Box::new(process), smallvec::smallvec![watcher], None)?;
        Ok((pid, monitor))
    }

    /// Monitors `pid`: when it exits, this process gets a [`Signal::Down`]. Fails if
    /// `pid` has already exited.
    pub fn monitor(&self, pid: Pid) -> Result<MonitorRef, NotFound> {
        let monitor = self.shared.new_monitor_ref();
        self.shared.watch(
            pid,
            Watcher::Process {
                pid: self.pid(),
                monitor,
            },
        )?;
        Ok(monitor)
    }

    /// Removes a monitor of `pid`. Returns `false` if it was not registered (or `pid`
    /// already exited; its `Down` may then be in the signal queue).
    pub fn demonitor(&self, pid: Pid, monitor: MonitorRef) -> bool {
        self.shared.unwatch(pid, monitor)
    }

    /// A one-shot timer that wakes this process after `after`.
    pub fn timer(&self, after: Duration) -> Timer {
        self.arm(after, None)
    }

    /// A periodic timer that wakes this process every `period` (at least 1 ms).
    pub fn ticker(&self, period: Duration) -> Timer {
        let period = period.max(Duration::from_millis(1));
        self.arm(period, Some(period))
    }

    fn arm(&self, after: Duration, period: Option<Duration>) -> Timer {
        let entry = Arc::new(TimerEntry::new(self.pid(), period));
        let deadline = Instant::now()
            .checked_add(after)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(100 * 365 * 86_400));
        self.shared.timers.insert(deadline, Arc::clone(&entry));
        Timer::new(entry, Arc::clone(&self.shared.timers))
    }

    /// The index of the first ready source, in order, or `None`. Consumes nothing: the
    /// caller takes from the ready source itself, and sources that were not chosen keep
    /// what they have. If none is ready, return [`Step::Wait`](crate::Step::Wait): any
    /// of them (and only a wake-up) will run the process again, once.
    pub fn select(&self, sources: &[Source<'_>]) -> Option<usize> {
        sources.iter().position(|source| match source {
            Source::Mailbox => self.cell.mailbox.has_pending(),
            Source::Signals => self.cell.signals.has_pending(),
            Source::Timer(timer) => timer.fired(),
            Source::Ready(ready) => *ready,
        })
    }

    /// `true` once this step has outlived its time slice: return
    /// [`Step::Yield`](crate::Step::Yield) soon.
    pub fn should_yield(&self) -> bool {
        self.meter.yield_requested.load(Ordering::Acquire)
    }

    /// A handle that wakes this process from anywhere (for waitables of your own).
    pub fn notifier(&self) -> Notifier {
        Notifier::new(self.pid(), self.shared)
    }
}

impl<M> std::fmt::Debug for Context<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("pid", &self.cell.pid())
            .finish_non_exhaustive()
    }
}
