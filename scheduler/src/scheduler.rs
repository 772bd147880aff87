//! The public face of a scheduler instance: [`Builder`], [`Scheduler`] (owns the
//! threads), [`Handle`] (cheap to clone, used from anywhere) and [`JoinHandle`].

use crate::cell::{JoinSlot, Watcher, Watchers};
use crate::driver;
use crate::error::{BuildError, NotFound, SendError, SpawnError};
use crate::notifier::Notifier;
use crate::pid::Pid;
use crate::process::{Exit, Process, Reason, Signal, SpawnOptions};
use crate::shared::{Metrics, Placement, Shared};
use crate::worker;
use crossbeam_deque::Worker as LocalQueue;
use std::sync::Arc;
use std::thread::JoinHandle as ThreadHandle;
use std::time::{Duration, Instant};

/// The largest worker count a scheduler accepts.
pub const MAX_WORKERS: usize = 1024;

/// Configures and starts a [`Scheduler`].
#[derive(Debug, Clone)]
#[must_use = "a Builder does nothing until `build` is called"]
pub struct Builder {
    workers: Option<usize>,
    time_slice: Duration,
    name: String,
    home_affinity: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// One worker per core, a 2 ms time slice, the name `"wippy"`.
    pub fn new() -> Self {
        Self {
            workers: None,
            time_slice: driver::DEFAULT_TIME_SLICE,
            name: "wippy".to_owned(),
            home_affinity: true,
        }
    }

    /// The number of worker threads (default: the number of cores).
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// How long one step may run before the process is asked to yield (default 2 ms).
    /// The timer thread looks every half slice while a worker runs, so a step is asked
    /// within one to one and a half slices (plus the thread's wake-up lateness, tens of
    /// microseconds); `Duration::MAX` means never in practice.
    pub fn time_slice(mut self, slice: Duration) -> Self {
        self.time_slice = slice;
        self
    }

    /// The name used for the scheduler's threads (`<name>-worker-<i>`, `<name>-driver`);
    /// [`build`](Self::build) refuses one with a NUL byte.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Whether a process woken by a process on another worker goes back to its home
    /// worker (the one that last ran it) while that one is busy, rather than to the
    /// waker's worker (default `true`; see `worker.rs`). Without it, a woken process
    /// always runs next on its waker's worker, as in tokio.
    pub fn home_affinity(mut self, on: bool) -> Self {
        self.home_affinity = on;
        self
    }

    /// Starts the worker threads and the driver thread.
    pub fn build<M: Send + Sync + 'static>(self) -> Result<Scheduler<M>, BuildError> {
        let workers = match self.workers {
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, usize::from),
        };
        if workers == 0 {
            return Err(BuildError::zero_workers());
        }
        if workers > MAX_WORKERS {
            return Err(BuildError::too_many_workers(workers));
        }
        if self.time_slice.is_zero() {
            return Err(BuildError::zero_time_slice());
        }
        if self.name.contains('\0') {
            return Err(BuildError::nul_in_name());
        }
        let locals: Vec<LocalQueue<_>> = (0..workers).map(|_| LocalQueue::new_fifo()).collect();
        let stealers = locals.iter().map(LocalQueue::stealer).collect();
        let shared = Arc::new(Shared::new(
            Arc::from(self.name.as_str()),
            stealers,
            self.time_slice,
            self.home_affinity,
        ));

        let mut scheduler = Scheduler {
            shared: Arc::clone(&shared),
            threads: Vec::with_capacity(workers + 1),
        };
        for (index, local) in locals.into_iter().enumerate() {
            let shared = Arc::clone(&shared);
            let thread = std::thread::Builder::new()
                .name(format!("{}-worker-{index}", self.name))
                .spawn(move || worker::run(shared, index, local))
                .map_err(BuildError::thread)?;
            scheduler.threads.push(thread);
        }
        let driver_shared = Arc::clone(&shared);
        let driver = std::thread::Builder::new()
            .name(format!("{}-driver", self.name))
            .spawn(move || driver::run(driver_shared))
            .map_err(BuildError::thread)?;
        scheduler.threads.push(driver);
        Ok(scheduler)
    }
}

/// A running scheduler instance: its worker threads, driver thread and processes.
///
/// Dropping it shuts it down at once (as [`Scheduler::shutdown`] with no grace
/// period) and joins its threads; dropping it inside a step of one of its own
/// processes panics, as `shutdown` does there.
#[must_use = "dropping a Scheduler shuts it down"]
pub struct Scheduler<M: Send + Sync + 'static> {
    shared: Arc<Shared<M>>,
    threads: Vec<ThreadHandle<()>>,
}

/// How [`Scheduler::shutdown`] ends the processes.
#[derive(Debug, Clone)]
pub struct Shutdown {
    /// Sent to every process as [`Signal::Cancel`].
    pub reason: Reason,
    /// How long processes may take to exit after the cancel before they are killed.
    pub grace: Duration,
    /// How long killed processes may take to leave the step they are in before the
    /// scheduler gives up on them (`None`, the default: wait for ever). See
    /// [`Scheduler::shutdown`].
    pub abandon_after: Option<Duration>,
}

impl Shutdown {
    /// Cancel with `reason`, kill after `grace`, wait for the killed for ever.
    pub fn new(reason: &str, grace: Duration) -> Self {
        Self {
            reason: Arc::from(reason),
            grace,
            abandon_after: None,
        }
    }

    /// Gives up on killed processes still inside a step once `after` has passed with
    /// none of them ending (while they go on ending, the wait goes on: a worker takes
    /// time to drop many bodies).
    pub fn abandon_after(mut self, after: Duration) -> Self {
        self.abandon_after = Some(after);
        self
    }
}

/// What a [`Scheduler::shutdown`] had to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ShutdownReport {
    /// Processes still alive after the grace period, which were killed.
    pub killed: usize,
    /// Killed processes that were still inside a step when the scheduler gave up on
    /// them ([`Shutdown::abandon_after`]).
    pub abandoned: usize,
}

impl<M: Send + Sync + 'static> Scheduler<M> {
    /// A builder with default settings.
    pub fn builder() -> Builder {
        Builder::new()
    }

    /// A handle for spawning and sending, from any thread.
    pub fn handle(&self) -> Handle<M> {
        Handle::from_shared(Arc::clone(&self.shared))
    }

    /// Waits until every process has exited on its own, or `timeout` passes. Returns
    /// `true` if none is left. Processes may keep spawning meanwhile.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        self.shared
            .wait_for_exits(Instant::now().checked_add(timeout))
    }

    /// Stops the scheduler:
    ///
    /// 1. new spawns are refused with [`SpawnError::ShuttingDown`];
    /// 2. every live process receives [`Signal::Cancel`] with the reason;
    /// 3. processes still alive after the grace period are killed: their bodies are
    ///    dropped at their next scheduling, and monitors see [`Exit::Killed`];
    /// 4. once every process has exited, the workers and the driver stop and are joined.
    ///
    /// A step that never returns (one that ignores
    /// [`Context::should_yield`](crate::Context::should_yield), or is stuck in foreign
    /// code) keeps its process alive and blocks step 4. With
    /// [`Shutdown::abandon_after`], the scheduler gives up on such processes once that
    /// much time has passed after the kill with no killed process ending: its threads are stopped where they can be and
    /// detached, and its state (the stuck processes' included) is left to them, as
    /// freeing it under a running step would be unsound; the report counts them. A
    /// program can then exit; a library user should treat the scheduler as leaked.
    ///
    /// # Panics
    ///
    /// Called (or the scheduler dropped) inside a step of one of its own processes,
    /// which could never end while the call waits for it; the panic ends that process
    /// ([`Exit::Panicked`](crate::Exit::Panicked)) and the scheduler's threads are left
    /// running.
    pub fn shutdown(mut self, how: Shutdown) -> ShutdownReport {
        self.stop(&how)
    }

    fn stop(&mut self, how: &Shutdown) -> ShutdownReport {
        let mut report = ShutdownReport::default();
        if self.threads.is_empty() {
            return report;
        }
        if crate::worker::current_index(&self.shared).is_some() {
            // Stopping waits for every process, the caller's own among them, whose step
            // cannot end while it waits: a silent hang. Say so instead, as tokio does
            // for a runtime dropped inside it (unless this thread is already unwinding,
            // when a second panic would abort: then the threads are left running).
            self.threads.clear();
            if !std::thread::panicking() {
                panic!(
                    "a wippy-scheduler Scheduler was shut down or dropped inside a step of one of \
                     its own processes, which would wait for that step for ever; shut it down \
                     from a thread outside the scheduler"
                );
            }
            return report;
        }
        let shared = &self.shared;
        shared.stop_accepting();
        shared.cancel_all(&how.reason);
        if !shared.wait_for_exits(Instant::now().checked_add(how.grace)) {
            report.killed = shared.table.live().len();
            shared.kill_all(&how.reason);
            if !wait_while_exiting(shared, how.abandon_after) {
                report.abandoned = shared.table.live().len();
                shared.stop_threads();
                // Dropping the join handles detaches the threads; `Shared` stays alive
                // in them (each holds an `Arc`), so nothing a stuck step uses is freed.
                self.threads.clear();
                return report;
            }
        }
        shared.stop_threads();
        for thread in self.threads.drain(..) {
            // A worker thread never panics: steps run under `catch_unwind`.
            let _ = thread.join();
        }
        shared.clear();
        report
    }
}

/// After the kill: waits until every process has exited, and returns `true`; with
/// `abandon_after`, returns `false` once that long has passed without a single exit.
/// Killed processes end one by one as the workers reach them (each drops its body:
/// 200 000 Lua VMs take seconds), so only a stop in the exits means that what is left
/// is stuck inside a step.
fn wait_while_exiting<M: Send + Sync + 'static>(
    shared: &Shared<M>,
    abandon_after: Option<Duration>,
) -> bool {
    let Some(after) = abandon_after else {
        return shared.wait_for_exits(None);
    };
    let mut live = shared.live();
    loop {
        if shared.wait_for_exits(Instant::now().checked_add(after)) {
            return true;
        }
        let now_live = shared.live();
        if now_live >= live {
            return false;
        }
        live = now_live;
    }
}

impl<M: Send + Sync + 'static> Drop for Scheduler<M> {
    fn drop(&mut self) {
        self.stop(&Shutdown::new("scheduler dropped", Duration::ZERO));
    }
}

impl<M: Send + Sync + 'static> std::fmt::Debug for Scheduler<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

/// A cheap, clonable handle to a scheduler: spawn, send, signal, kill, from any thread.
pub struct Handle<M> {
    shared: Arc<Shared<M>>,
}

impl<M> Clone for Handle<M> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<M: Send + Sync + 'static> Handle<M> {
    pub(crate) fn from_shared(shared: Arc<Shared<M>>) -> Self {
        Self { shared }
    }

    /// Spawns a process. It starts running on some worker soon.
    pub fn spawn<P: Process<M>>(&self, process: P) -> Result<Pid, SpawnError> {
        self.shared.spawn(Box::new(process), Watchers::new(), None)
    }

    /// Spawns a process with options (e.g. a preempt hook).
    pub fn spawn_with<P: Process<M>>(
        &self,
        process: P,
        options: SpawnOptions,
    ) -> Result<Pid, SpawnError> {
        self.shared
            .spawn(Box::new(process), Watchers::new(), options.preempt_hook)
    }

    /// Spawns a process whose exit a thread can wait for.
    pub fn spawn_joinable<P: Process<M>>(&self, process: P) -> Result<JoinHandle<M>, SpawnError> {
        let slot = Arc::new(JoinSlot::new());
        let pid = self.shared.spawn(
            Box::new(process),
            smallvec::smallvec![Watcher::Join(Arc::clone(&slot))],
            None,
        )?;
        Ok(JoinHandle { pid, slot })
    }

    /// The mailbox of `pid`, to send to it again and again without finding it each
    /// time (see [`MailboxRef`](crate::MailboxRef)); `None` if `pid` does not exist.
    pub fn mailbox(&self, pid: Pid) -> Option<crate::MailboxRef<M>> {
        self.shared
            .table
            .get(pid)
            .map(|cell| crate::MailboxRef::new(cell, Arc::clone(&self.shared)))
    }

    /// Sends a message; hands it back if `pid` does not exist (exited or stale id).
    /// `Ok` means the message is in the mailbox, not that it will be read: a process
    /// that ends first drops what it did not read, as an Erlang process does.
    pub fn send(&self, pid: Pid, message: M) -> Result<(), SendError<M>> {
        self.shared.send(pid, message)
    }

    /// Sends a [`Signal::User`], which the process reads before ordinary messages.
    pub fn send_signal(&self, pid: Pid, signal: M) -> Result<(), SendError<M>> {
        self.shared
            .signal(pid, Signal::User(signal))
            .map_err(|SendError(signal)| match signal {
                Signal::User(m) => SendError(m),
                _ => unreachable!("a user signal comes back as it went in"),
            })
    }

    /// Sends a [`Signal::User`] that is a *notice* rather than a request, such as news of
    /// another process's exit: as the scheduler's own exit notices ([`Signal::Down`]), it
    /// wakes `pid` at the back of the worker's queue instead of running it next, so it
    /// does not push out a process just woken by a reply, and a process that watches many
    /// others takes their notices in batches.
    pub fn send_notice(&self, pid: Pid, signal: M) -> Result<(), SendError<M>> {
        self.shared
            .signal_at(pid, Signal::User(signal), Placement::Back)
            .map_err(|SendError(signal)| match signal {
                Signal::User(m) => SendError(m),
                _ => unreachable!("a user signal comes back as it went in"),
            })
    }

    /// Asks `pid` to stop: it receives [`Signal::Cancel`] and decides how to end.
    pub fn cancel(&self, pid: Pid, reason: &str) -> Result<(), NotFound> {
        self.shared
            .signal(pid, Signal::Cancel(Arc::from(reason)))
            .map_err(|_| NotFound)
    }

    /// Ends `pid` forcefully: its body is dropped at its next scheduling and monitors
    /// see [`Exit::Killed`]. A step in progress finishes first, and if that step ends
    /// the process itself (`Done`, `Fail`, a panic), that is the exit monitors see.
    pub fn kill(&self, pid: Pid, reason: &str) -> Result<(), NotFound> {
        self.shared.kill(pid, Arc::from(reason))
    }

    /// `true` while `pid` is alive.
    pub fn is_alive(&self, pid: Pid) -> bool {
        self.shared
            .table
            .with(pid, |cell| !cell.state.is_done())
            .unwrap_or(false)
    }

    /// A [`Notifier`] for `pid`.
    pub fn notifier(&self, pid: Pid) -> Notifier {
        Notifier::new(pid, &self.shared)
    }

    /// The number of worker threads.
    pub fn workers(&self) -> usize {
        self.shared.workers()
    }

    /// The scheduler's counters.
    pub fn metrics(&self) -> Metrics {
        self.shared.metrics()
    }
}

impl<M> std::fmt::Debug for Handle<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("shared", &self.shared)
            .finish()
    }
}

/// Waits, from an ordinary thread, for one process to exit.
#[must_use = "a JoinHandle is the only way to learn how the process ended"]
pub struct JoinHandle<M> {
    pid: Pid,
    slot: Arc<JoinSlot<M>>,
}

impl<M> JoinHandle<M> {
    /// The process.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// Blocks until the process exits. Do not call it from inside a step: it would
    /// block a worker thread.
    pub fn join(self) -> Arc<Exit<M>> {
        let mut exit = self.slot.exit.lock();
        loop {
            if let Some(exit) = exit.as_ref() {
                return Arc::clone(exit);
            }
            exit = self.slot.condvar.wait(exit);
        }
    }

    /// Blocks until the process exits or `timeout` passes.
    pub fn join_timeout(&self, timeout: Duration) -> Option<Arc<Exit<M>>> {
        let deadline = Instant::now().checked_add(timeout);
        let mut exit = self.slot.exit.lock();
        loop {
            if let Some(exit) = exit.as_ref() {
                return Some(Arc::clone(exit));
            }
            exit = match deadline {
                Some(deadline) if Instant::now() >= deadline => return None,
                Some(deadline) => self.slot.condvar.wait_until(exit, deadline),
                None => self.slot.condvar.wait(exit),
            };
        }
    }
}

impl<M> std::fmt::Debug for JoinHandle<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinHandle")
            .field("pid", &self.pid)
            .finish_non_exhaustive()
    }
}
