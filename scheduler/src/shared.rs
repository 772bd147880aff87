//! The state of one scheduler instance that every worker, the driver and every
//! [`Handle`](crate::Handle) share: run queues, the process table, timers, counters.
//!
//! Nothing here is global: two schedulers in one program share no state, and a worker
//! thread knows which scheduler it belongs to (`worker::current`).

use crate::cell::{Cell, JoinSlot, Task, Watcher, Watchers};
use crate::error::{NotFound, SendError, SpawnError};
use crate::idle::Idle;
use crate::loom::atomic::{AtomicBool, AtomicU64, Ordering};
use crate::loom::{Condvar, Mutex};
use crate::mailbox::Mailbox;
use crate::park::Parker;
use crate::pid::Pid;
use crate::process::{Down, Exit, MonitorRef, PreemptHook, Process, Reason, Signal};
use crate::state::Wake;
use crate::table::Table;
use crate::timer::TimerQueue;
use crate::worker::{self, WorkerMeter};
use crossbeam_deque::{Injector, Stealer};
use crossbeam_utils::CachePadded;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a woken process is queued by a worker of its own scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Woken by the running process: run it next on this thread (LIFO slot).
    Next,
    /// Yielded or re-run: back of the local queue.
    Back,
    /// New: the LIFO slot if this thread's worker has nothing else queued (the process
    /// would run next anyway, and there no idle worker can steal it from its spawner,
    /// which would split a pair that talks), else the back of the local queue.
    New,
}

pub(crate) struct Shared<M> {
    pub(crate) injector: Injector<Task<M>>,
    pub(crate) stealers: Box<[Stealer<Task<M>>]>,
    /// Per worker: processes woken by other workers while this one, their home, was
    /// busy (`worker::schedule_local`). The owner drains it into its local queue; idle
    /// workers steal from it as from the local queues.
    pub(crate) inbound: Box<[CachePadded<Injector<Task<M>>>]>,
    /// Per worker: `true` while it runs processes, `false` from the moment it looks for
    /// work until it finds some. Written by its worker on those edges only; read by
    /// wakers as a placement hint (Relaxed: no protocol depends on it).
    pub(crate) busy: Box<[CachePadded<std::sync::atomic::AtomicBool>]>,
    /// Whether woken processes go back to their home worker (see `inbound`).
    pub(crate) home_affinity: bool,
    pub(crate) parkers: Box<[Parker]>,
    pub(crate) meters: Box<[WorkerMeter]>,
    pub(crate) idle: Idle,
    pub(crate) table: Table<Cell<M>>,
    pub(crate) timers: Arc<TimerQueue>,
    /// Set (SeqCst) by the driver before it sleeps past the next tick; see idle/README.md.
    pub(crate) driver_sleeping: AtomicBool,
    pub(crate) time_slice: Duration,
    /// `false` once shutdown started: spawns are refused.
    accepting: AtomicBool,
    /// `true` when the workers must leave their loops.
    stopping: AtomicBool,
    /// Spawned since start. `live` is `spawned - exited`, which saves a contended
    /// counter on every spawn and exit.
    spawned: CachePadded<AtomicU64>,
    /// Exited since start. Incremented after the exit is complete (SeqCst, pairs with
    /// the SeqCst loads in `live`).
    exited: CachePadded<AtomicU64>,
    failed: CachePadded<AtomicU64>,
    next_monitor: CachePadded<AtomicU64>,
    /// Threads in `wait_for_exits`. Exits only check for quiescence while it is
    /// non-zero, so the hot exit path does not read `spawned`.
    quiescence_waiters: AtomicU64,
    /// Waited on by `wait_for_exits`; notified when `live` drops to zero.
    quiescent: Mutex<()>,
    quiescent_cv: Condvar,
    pub(crate) name: Arc<str>,
}

/// A snapshot of a scheduler's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Metrics {
    /// Processes that have been spawned and not exited yet.
    pub live: usize,
    /// Processes spawned since start.
    pub spawned: u64,
    /// Processes that exited since start, for any reason.
    pub exited: u64,
    /// Processes that exited with anything but [`Exit::Normal`].
    pub failed: u64,
    /// Timers pending in the heap (cancelled ones not yet discarded included).
    pub pending_timers: usize,
}

impl<M: Send + Sync + 'static> Shared<M> {
    pub(crate) fn new(
        name: Arc<str>,
        stealers: Box<[Stealer<Task<M>>]>,
        time_slice: Duration,
        home_affinity: bool,
    ) -> Self {
        let workers = stealers.len();
        Self {
            injector: Injector::new(),
            inbound: (0..workers)
                .map(|_| CachePadded::new(Injector::new()))
                .collect(),
            busy: (0..workers)
                .map(|_| CachePadded::new(std::sync::atomic::AtomicBool::new(true)))
                .collect(),
            home_affinity,
            parkers: (0..workers).map(|_| Parker::new()).collect(),
            meters: (0..workers).map(|_| WorkerMeter::default()).collect(),
            stealers,
            idle: Idle::new(workers),
            table: Table::new(workers + 1),
            timers: Arc::new(TimerQueue::new()),
            driver_sleeping: AtomicBool::new(false),
            time_slice,
            accepting: AtomicBool::new(true),
            stopping: AtomicBool::new(false),
            spawned: CachePadded::new(AtomicU64::new(0)),
            exited: CachePadded::new(AtomicU64::new(0)),
            failed: CachePadded::new(AtomicU64::new(0)),
            next_monitor: CachePadded::new(AtomicU64::new(1)),
            quiescence_waiters: AtomicU64::new(0),
            quiescent: Mutex::new(()),
            quiescent_cv: Condvar::new(),
            name,
        }
    }

    pub(crate) fn workers(&self) -> usize {
        self.stealers.len()
    }

    /// The free-list shard of the calling thread: its worker index, or the extra
    /// shard for threads outside this scheduler.
    fn shard(self: &Arc<Self>) -> usize {
        worker::current_index(self).unwrap_or(self.workers())
    }

    /// Processes spawned and not yet exited.
    pub(crate) fn live(&self) -> usize {
        // Exits first: an exit counted is always of a process counted as spawned.
        let exited = self.exited.load(Ordering::SeqCst);
        let spawned = self.spawned.load(Ordering::SeqCst);
        (spawned - exited) as usize
    }

    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    pub(crate) fn metrics(&self) -> Metrics {
        Metrics {
            live: self.live(),
            spawned: self.spawned.load(Ordering::Relaxed),
            exited: self.exited.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            pending_timers: self.timers.len(),
        }
    }

    // ---- scheduling --------------------------------------------------------------

    /// Puts a process that the caller just moved to SCHEDULED into a run queue.
    pub(crate) fn schedule(self: &Arc<Self>, task: Task<M>, placement: Placement) {
        if let Err(task) = worker::schedule_local(self, task, placement) {
            self.injector.push(task);
            self.notify_parked();
        }
    }

    /// Rule 1 of idle/README.md: wakes one parked worker if nobody is looking for work.
    pub(crate) fn notify_parked(&self) {
        if let Some(worker) = self.idle.worker_to_notify() {
            self.parkers[worker].unpark();
            // SeqCst pairs with the driver's store of `driver_sleeping` (idle/README.md).
            if self.driver_sleeping.load(Ordering::SeqCst) {
                self.timers.poke();
            }
        }
    }

    /// `true` if any queue holds work (the last searcher's re-check before parking).
    pub(crate) fn has_queued_work(&self) -> bool {
        !self.injector.is_empty()
            || self.stealers.iter().any(|s| !s.is_empty())
            || self.inbound.iter().any(|q| !q.is_empty())
    }

    /// Wakes `cell` (after the caller made its reason visible: message, signal, tick).
    pub(crate) fn wake_cell(self: &Arc<Self>, cell: &Task<M>) {
        self.wake_cell_at(cell, Placement::Next);
    }

    /// As [`wake_cell`](Self::wake_cell), choosing where a worker queues the process.
    pub(crate) fn wake_cell_at(self: &Arc<Self>, cell: &Task<M>, placement: Placement) {
        if cell.state.notify() == Wake::Schedule {
            self.schedule(Arc::clone(cell), placement);
        }
    }

    /// Wakes the process `pid` if it is alive.
    pub(crate) fn wake(self: &Arc<Self>, pid: Pid) {
        self.table.with(pid, |cell| self.wake_cell(cell));
    }

    // ---- processes ---------------------------------------------------------------

    pub(crate) fn spawn(
        self: &Arc<Self>,
        body: Box<dyn Process<M>>,
        watchers: Watchers<M>,
        preempt_hook: Option<PreemptHook>,
    ) -> Result<Pid, SpawnError> {
        if !self.accepting.load(Ordering::Acquire) {
            return Err(SpawnError::ShuttingDown);
        }
        let pid = self
            .table
            .reserve(self.shard())
            .ok_or(SpawnError::TableFull)?;
        let cell = Arc::new(Cell::new(pid, body, watchers, preempt_hook));
        self.spawned.fetch_add(1, Ordering::SeqCst);
        self.table.publish(Arc::clone(&cell));
        self.schedule(cell, Placement::New);
        Ok(pid)
    }

    pub(crate) fn send(self: &Arc<Self>, pid: Pid, message: M) -> Result<(), SendError<M>> {
        self.deliver(pid, message, |cell| &cell.mailbox, Placement::Next)
    }

    pub(crate) fn signal(
        self: &Arc<Self>,
        pid: Pid,
        signal: Signal<M>,
    ) -> Result<(), SendError<Signal<M>>> {
        // An exit notice wakes its watcher at the back of the queue, not in the LIFO
        // slot: a process watching many others then takes their notices in batches
        // instead of running once per exit (fan-in), while messages keep the LIFO
        // slot for request/reply latency.
        let placement = if matches!(signal, Signal::Down(_)) {
            Placement::Back
        } else {
            Placement::Next
        };
        self.signal_at(pid, signal, placement)
    }

    /// As [`signal`](Self::signal), with the placement given.
    pub(crate) fn signal_at(
        self: &Arc<Self>,
        pid: Pid,
        signal: Signal<M>,
        placement: Placement,
    ) -> Result<(), SendError<Signal<M>>> {
        self.deliver(pid, signal, |cell| &cell.signals, placement)
    }

    /// Pushes `value` into one of `pid`'s queues and wakes it; hands the value back if
    /// the process has exited or never existed.
    fn deliver<T>(
        self: &Arc<Self>,
        pid: Pid,
        value: T,
        queue: impl FnOnce(&Cell<M>) -> &Mailbox<T>,
        placement: Placement,
    ) -> Result<(), SendError<T>> {
        let mut value = Some(value);
        let delivered = self.table.with(pid, |cell| {
            if cell.state.is_done() {
                return false;
            }
            queue(cell).push(value.take().expect("the value is taken once"));
            self.wake_cell_at(cell, placement);
            true
        });
        match delivered {
            Some(true) => Ok(()),
            _ => Err(SendError(
                value.take().expect("an undelivered value is still here"),
            )),
        }
    }

    pub(crate) fn kill(self: &Arc<Self>, pid: Pid, reason: Reason) -> Result<(), NotFound> {
        self.table
            .with(pid, |cell| {
                cell.request_kill(reason);
                self.wake_cell(cell);
            })
            .ok_or(NotFound)
    }

    pub(crate) fn new_monitor_ref(&self) -> MonitorRef {
        MonitorRef(self.next_monitor.fetch_add(1, Ordering::Relaxed))
    }

    /// Registers `watcher` to be told when `target` exits.
    pub(crate) fn watch(&self, target: Pid, watcher: Watcher<M>) -> Result<(), NotFound> {
        match self.table.get(target) {
            Some(cell) => cell.add_watcher(watcher).map_err(|_| NotFound),
            None => Err(NotFound),
        }
    }

    pub(crate) fn unwatch(&self, target: Pid, monitor: MonitorRef) -> bool {
        self.table
            .with(target, |cell| cell.remove_monitor(monitor))
            .unwrap_or(false)
    }

    /// Ends a process: called once, by the worker holding it RUNNING.
    pub(crate) fn complete(self: &Arc<Self>, cell: &Task<M>, exit: Exit<M>) {
        // SAFETY: the caller holds RUNNING (it is the worker that ran the last step).
        let (body, local) = unsafe { cell.take_body() };
        // The body's resources, and what waits in its queues, go before anyone learns
        // of the exit. A panicking destructor must not take the worker down.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            drop(body);
            drop(local);
            // SAFETY: the caller holds RUNNING (as above).
            unsafe { cell.drop_queued() };
        }));
        cell.state.finish_exit();
        self.table.release(cell.pid(), self.shard());
        if exit.is_error() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        // Counted before anyone is told, so that a joiner or a monitor that then reads
        // the metrics no longer counts the process as live.
        let exited = self.exited.fetch_add(1, Ordering::SeqCst) + 1;
        let watchers = cell.take_watchers();
        if !watchers.is_empty() {
            let exit = Arc::new(exit);
            for watcher in watchers {
                match watcher {
                    Watcher::Process { pid, monitor } => {
                        let down = Down {
                            pid: cell.pid(),
                            monitor,
                            exit: Arc::clone(&exit),
                        };
                        // A watcher that exited meanwhile needs no notice.
                        let _ = self.signal(pid, Signal::Down(down));
                    }
                    Watcher::Join(slot) => slot.complete(Arc::clone(&exit)),
                }
            }
        }
        // SeqCst pairs with the SeqCst increment in `wait_for_exits`: either the waiter
        // sees our exit in its check, or we see the waiter and notify it. A waiter that
        // sees it before the notices above went out loses nothing: with every process
        // gone, they are addressed to no one but joiners, whose slots outlive the stop.
        if self.quiescence_waiters.load(Ordering::SeqCst) > 0
            && exited == self.spawned.load(Ordering::SeqCst)
        {
            let _guard = self.quiescent.lock();
            self.quiescent_cv.notify_all();
        }
    }

    // ---- shutdown ----------------------------------------------------------------

    pub(crate) fn stop_accepting(&self) {
        self.accepting.store(false, Ordering::Release);
    }

    /// Waits until no process is live or `deadline` passes. Returns `true` if none is.
    pub(crate) fn wait_for_exits(&self, deadline: Option<Instant>) -> bool {
        self.quiescence_waiters.fetch_add(1, Ordering::SeqCst);
        let mut guard = self.quiescent.lock();
        let quiet = loop {
            if self.live() == 0 {
                break true;
            }
            match deadline {
                Some(deadline) if Instant::now() >= deadline => break false,
                Some(deadline) => guard = self.quiescent_cv.wait_until(guard, deadline),
                None => guard = self.quiescent_cv.wait(guard),
            }
        };
        drop(guard);
        self.quiescence_waiters.fetch_sub(1, Ordering::SeqCst);
        quiet
    }

    pub(crate) fn cancel_all(self: &Arc<Self>, reason: &Reason) {
        for cell in self.table.live() {
            let _ = self.signal(cell.pid(), Signal::Cancel(Arc::clone(reason)));
        }
    }

    pub(crate) fn kill_all(self: &Arc<Self>, reason: &Reason) {
        for cell in self.table.live() {
            cell.request_kill(Arc::clone(reason));
            self.wake_cell(&cell);
        }
    }

    /// Tells workers and the driver to leave their loops, and wakes them.
    pub(crate) fn stop_threads(&self) {
        self.stopping.store(true, Ordering::Release);
        for parker in self.parkers.iter() {
            parker.unpark();
        }
        self.timers.stop();
    }

    /// Drops what is left after the threads stopped: queued tasks and table entries.
    pub(crate) fn clear(&self) {
        while !self.injector.steal().is_empty() {}
        for stealer in self.stealers.iter() {
            while !stealer.steal().is_empty() {}
        }
        for inbound in self.inbound.iter() {
            while !inbound.steal().is_empty() {}
        }
        self.table.clear();
    }
}

impl<M> JoinSlot<M> {
    pub(crate) fn new() -> Self {
        Self {
            exit: Mutex::new(None),
            condvar: Condvar::new(),
        }
    }

    fn complete(&self, exit: Arc<Exit<M>>) {
        *self.exit.lock() = Some(exit);
        self.condvar.notify_all();
    }
}

impl<M> std::fmt::Debug for Shared<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("name", &self.name)
            .field("workers", &self.stealers.len())
            .finish_non_exhaustive()
    }
}
