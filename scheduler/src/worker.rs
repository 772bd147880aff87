//! A worker thread: finds runnable processes and runs their steps.
//!
//! # The run loop
//!
//! 1. Take the next task, in this order:
//!    - every [`GLOBAL_POLL_INTERVAL`] runs, and after a run that yielded (used its
//!      slice), the global injector first, so that work injected from outside is not
//!      starved by a busy local queue, nor by processes that each run a whole slice;
//!    - the LIFO slot: the process most recently woken by a process on this thread
//!      (a reply goes to the waiting process while its data is hot in the cache), or
//!      spawned by one while nothing else was queued here (so that an idle worker cannot
//!      steal a new process away from its spawner and split a pair that talks: each
//!      would then wake the other while it still runs, and the pair would stay split),
//!      at most [`MAX_LIFO_RUNS`] times in a row while the local queue holds other
//!      work, after which the slot's task goes to the back of the local queue so two
//!      ping-ponging processes cannot starve the rest (with nothing else queued here
//!      there is no one to starve, and the pair stays on this worker, where its data
//!      is, instead of being stolen by an idle one after every few messages);
//!    - the local queue (FIFO), after moving into it whatever waits in this worker's
//!      inbound queue (processes whose home this worker is, woken by other workers);
//!    - a batch from the injector.
//!
//!    A process's *home* is the worker that last ran it. A process woken by a process
//!    on another worker goes to its home's inbound queue while its home is busy, so
//!    that it runs where its data (its VM, its stack, its heap blocks) is in the cache,
//!    instead of being pulled over to the waker's LIFO slot. When its home is idle it
//!    is pulled over (and that worker becomes its home), which is what reunites two
//!    processes that talk. New processes have no home: they are placed as above.
//! 2. If none, search (at most half the workers search at once): this worker's
//!    inbound queue, then half of a random victim's local or inbound queue, then the
//!    injector.
//! 3. If still none and this worker is the searcher, keep searching for up to
//!    [`SPIN_BEFORE_PARK`] (as BEAM's schedulers busy-wait before sleeping): work that
//!    appears within that time is taken without a futex wake-up on either side, which
//!    is most of the cost of a message crossing workers.
//! 4. If still none, park, following `idle/README.md`.
//!
//! # Shutdown
//!
//! Shutdown is driven by [`Scheduler::shutdown`](crate::Scheduler::shutdown):
//!
//! 1. spawning stops;
//! 2. every process gets a CANCEL signal;
//! 3. after the grace period the survivors are killed (their bodies are dropped at
//!    their next scheduling);
//! 4. once no process is live, `stopping` is set and every worker is unparked;
//! 5. each worker leaves its loop at the next check and the threads are joined;
//! 6. whatever is still queued is dropped.

use crate::cell::Task;
use crate::context::Context;
use crate::loom::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};
use crate::process::{Exit, PreemptHook, Step};
use crate::shared::{Placement, Shared};
use crossbeam_deque::{Steal, Worker as LocalQueue};
use std::cell::Cell as StdCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// Check the global injector first once every this many runs.
const GLOBAL_POLL_INTERVAL: u32 = 61;
/// Consecutive runs from the LIFO slot before its task must queue like the others.
const MAX_LIFO_RUNS: u32 = 3;
/// How long a searching worker keeps looking for work before it parks. While it looks,
/// `notify_parked` returns at once (rule 1 of `idle/README.md`), so producers pay no
/// wake-up either. Only searchers spin, and at most half the workers search.
#[cfg_attr(loom, allow(dead_code))]
const SPIN_BEFORE_PARK: std::time::Duration = std::time::Duration::from_micros(50);

/// What the timer driver can see of a worker, to preempt long steps.
///
/// # The preemption handshake
///
/// The driver calls the running process's preempt hook from its own thread, so the hook
/// must stay alive for the whole call. Rather than lock a published copy of it at every
/// run (two lock round trips and two reference-count updates per message), the worker
/// publishes a pointer to the hook inside the task it holds, and the two sides agree by
/// a Dekker-style handshake on `run_seq` and `calling`, made of read-modify-writes so that
/// it needs no sequentially consistent loads (which loom does not model):
/// - the worker stores `hook`, then `run_seq` (odd, Release) when a step starts; when
///   the step ends it swaps `run_seq` to the next even value (AcqRel), then waits while
///   `calling` (Acquire) is set, and only then lets go of the task;
/// - the driver swaps `calling` to true (AcqRel), reads `run_seq` with a
///   read-modify-write (`fetch_add(0)`, AcqRel), calls the hook only if the run is still
///   the one it saw, and clears `calling` (Release).
///
/// If the driver's read-modify-write of `run_seq` comes before the worker's swap in that
/// variable's modification order, the swap reads from it, so the driver's `calling` swap
/// happens before the worker's wait, which therefore sees `calling` set and waits until
/// the call returned. Otherwise the driver sees the run over and calls nothing. `hook`
/// is written only by the worker, before the Release store that opens the run, and not
/// again until the next run, which cannot open while the driver calls.
/// `tests/loom_preempt.rs` checks this.
#[derive(Default)]
pub(crate) struct WorkerMeter {
    /// Odd while a step runs, even between steps; bumped at both edges. Changed by the
    /// worker only (a Release store when a step starts, an AcqRel swap when it ends);
    /// the driver reads it (and rewrites the same value in `call_hook`).
    pub(crate) run_seq: AtomicU64,
    /// Set by the driver when the current step outlived its slice; cleared by the
    /// worker when a step starts. Read through `Context::should_yield`.
    pub(crate) yield_requested: AtomicBool,
    /// The running process's preempt hook (a pointer into its task, which the worker
    /// holds for the run), or null. See the handshake above.
    pub(crate) hook: AtomicPtr<Option<PreemptHook>>,
    /// Set by the driver while it calls `hook`.
    pub(crate) calling: AtomicBool,
}

impl WorkerMeter {
    /// The worker's first half of the handshake: run `seq` (odd) starts with `hook` (null,
    /// or a pointer into the task the worker holds until [`close_run`](Self::close_run)
    /// returns). Clears a leftover yield request.
    pub(crate) fn open_run(&self, seq: u64, hook: *mut Option<PreemptHook>) {
        self.yield_requested.store(false, Ordering::Relaxed);
        self.hook.store(hook, Ordering::Relaxed);
        // Release pairs with the driver's Acquire: it sees a run in progress, and `hook`.
        self.run_seq.store(seq, Ordering::Release);
    }

    /// The worker's second half: run `seq` is over; returns once the driver is not
    /// calling its hook, after which the task may go.
    pub(crate) fn close_run(&self, seq: u64) {
        self.run_seq.swap(seq + 1, Ordering::AcqRel);
        while self.calling.load(Ordering::Acquire) {
            crate::loom::spin_wait();
        }
    }

    /// The driver's half: calls the hook of run `seq` if that run is still going.
    pub(crate) fn call_hook(&self, seq: u64) {
        self.calling.swap(true, Ordering::AcqRel);
        if self.run_seq.fetch_add(0, Ordering::AcqRel) == seq {
            let hook = self.hook.load(Ordering::Acquire);
            // SAFETY: the run `seq` is still going, so (see the handshake above) `hook`
            // is the pointer its worker published for it, null or into the task the
            // worker holds, and the worker keeps that task until `calling` is clear.
            if let Some(Some(hook)) = unsafe { hook.as_ref() } {
                // A hook that panics counts as returned: the panic must not take the
                // driver thread down (timers and preemption would stop) nor skip the
                // store below (the worker would wait for it for ever).
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook()));
            }
        }
        self.calling.store(false, Ordering::Release);
    }
}

impl std::fmt::Debug for WorkerMeter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerMeter")
            .field("run_seq", &self.run_seq.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// The thread-local half of a worker. Only its own thread touches it.
struct Core<M> {
    index: usize,
    local: LocalQueue<Task<M>>,
    lifo: StdCell<Option<Task<M>>>,
    lifo_runs: StdCell<u32>,
    tick: StdCell<u32>,
    /// The last run ended in a yield (a step that used its slice, or gave up its turn):
    /// the next pick looks at the injector first, so that work injected from outside
    /// (timer wake-ups, messages and spawns from other hosts) waits for one slice, not
    /// for [`GLOBAL_POLL_INTERVAL`] of them, behind processes that run to their slice.
    yielded: StdCell<bool>,
    rng: StdCell<u64>,
}

thread_local! {
    /// `(shared, core)` of the worker running on this thread, or nulls. Set for the
    /// lifetime of `run` only.
    static CURRENT: StdCell<(*const (), *const ())> = const { StdCell::new((std::ptr::null(), std::ptr::null())) };
}

struct CurrentGuard;

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set((std::ptr::null(), std::ptr::null())));
    }
}

/// The index of this thread's worker, if this thread is a worker of `shared`.
pub(crate) fn current_index<M: Send + Sync + 'static>(shared: &Arc<Shared<M>>) -> Option<usize> {
    let (current_shared, core) = CURRENT.with(|c| c.get());
    if current_shared != Arc::as_ptr(shared).cast::<()>() || core.is_null() {
        return None;
    }
    // SAFETY: as in `schedule_local`: the pointer is this thread's live `Core<M>`.
    Some(unsafe { &*core.cast::<Core<M>>() }.index)
}

/// Queues `task` on this thread's worker if this thread is a worker of `shared`.
/// Hands the task back otherwise.
pub(crate) fn schedule_local<M: Send + Sync + 'static>(
    shared: &Arc<Shared<M>>,
    task: Task<M>,
    placement: Placement,
) -> Result<(), Task<M>> {
    let (current_shared, core) = CURRENT.with(|c| c.get());
    if current_shared != Arc::as_ptr(shared).cast::<()>() || core.is_null() {
        return Err(task);
    }
    // SAFETY: `CURRENT` holds a pointer to the `Core<M>` on this thread's stack for as
    // long as `run` executes, and `run` is on the call stack here (we are called from a
    // step or from the loop itself). The `shared` pointer matched, and a scheduler's
    // cores all have its own `M`, so the cast is to the right type. `Core` is only
    // accessed through shared references and `Cell`s on its own thread.
    let core = unsafe { &*core.cast::<Core<M>>() };
    if placement != Placement::New && shared.home_affinity {
        let home = task.home.load(std::sync::atomic::Ordering::Relaxed) as usize;
        if home != core.index
            && home < shared.workers()
            && shared.busy[home].load(std::sync::atomic::Ordering::Relaxed)
        {
            // Its home worker is busy: queue it there, where its data is, rather than
            // pull it (its VM, its stack) over to this one. As a push to the injector,
            // then rule 1 of idle/README.md, so an idle worker may still come for it.
            shared.inbound[home].push(task);
            shared.notify_parked();
            return Ok(());
        }
    }
    match placement {
        Placement::Next => {
            if let Some(displaced) = core.lifo.replace(Some(task)) {
                core.local.push(displaced);
                shared.notify_parked();
            }
        }
        Placement::New => {
            let next = core.lifo.take();
            if next.is_none() && core.local.is_empty() {
                core.lifo.set(Some(task));
            } else {
                core.lifo.set(next);
                queue_back(shared, core, task);
            }
        }
        Placement::Back => queue_back(shared, core, task),
    }
    Ok(())
}

/// Queues `task` at the back of `core`'s local queue, where idle workers may steal it
/// (and are woken to, once it is not the only task there).
fn queue_back<M: Send + Sync + 'static>(shared: &Arc<Shared<M>>, core: &Core<M>, task: Task<M>) {
    core.local.push(task);
    if core.local.len() > 1 {
        shared.notify_parked();
    }
}

/// The body of worker thread `index`.
pub(crate) fn run<M: Send + Sync + 'static>(
    shared: Arc<Shared<M>>,
    index: usize,
    local: LocalQueue<Task<M>>,
) {
    let core = Core {
        index,
        local,
        lifo: StdCell::new(None),
        lifo_runs: StdCell::new(0),
        tick: StdCell::new(0),
        yielded: StdCell::new(false),
        rng: StdCell::new(
            0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9),
        ),
    };
    CURRENT.with(|c| c.set((Arc::as_ptr(&shared).cast(), (&raw const core).cast())));
    let _guard = CurrentGuard;

    let mut searching = false;
    let mut busy = true;
    while !shared.is_stopping() {
        if let Some(task) = core.next_task(&shared) {
            core.leave_search(&shared, &mut searching);
            core.set_busy(&shared, &mut busy, true);
            core.run_task(&shared, task);
            continue;
        }
        core.set_busy(&shared, &mut busy, false);
        if !searching {
            searching = shared.idle.try_start_searching();
        }
        if searching {
            if let Some(task) = core.steal(&shared).or_else(|| core.spin(&shared)) {
                core.leave_search(&shared, &mut searching);
                core.set_busy(&shared, &mut busy, true);
                core.run_task(&shared, task);
                continue;
            }
        }
        core.park(&shared, &mut searching);
    }
    if searching {
        let _ = shared.idle.stop_searching();
    }
    // Tasks left in the LIFO slot are dropped with the core; the local queue is
    // drained through its stealer by `Shared::clear`.
}

impl<M: Send + Sync + 'static> Core<M> {
    /// Publishes whether this worker runs processes (`Shared::busy`), on edges only.
    fn set_busy(&self, shared: &Shared<M>, busy: &mut bool, now: bool) {
        if *busy != now {
            *busy = now;
            shared.busy[self.index].store(now, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn next_task(&self, shared: &Arc<Shared<M>>) -> Option<Task<M>> {
        let tick = self.tick.get().wrapping_add(1);
        self.tick.set(tick);
        if tick % GLOBAL_POLL_INTERVAL == 0 || self.yielded.replace(false) {
            if let Some(task) = self.take_from_injector(shared) {
                return Some(task);
            }
        }
        if let Some(task) = self.lifo.take() {
            let runs = self.lifo_runs.get();
            if runs < MAX_LIFO_RUNS || self.local.is_empty() {
                self.lifo_runs.set(runs.saturating_add(1));
                return Some(task);
            }
            // Two or more tasks now wait here: as `schedule_local` does for a second
            // queued task, let a parked worker come and steal.
            self.local.push(task);
            shared.notify_parked();
        }
        self.lifo_runs.set(0);
        let inbound = &shared.inbound[self.index];
        if !inbound.is_empty() {
            // Behind what is queued here already: the local queue stays FIFO.
            let _ = inbound.steal_batch(&self.local);
        }
        self.local.pop().or_else(|| self.take_from_injector(shared))
    }

    fn take_from_injector(&self, shared: &Shared<M>) -> Option<Task<M>> {
        loop {
            match shared.injector.steal_batch_and_pop(&self.local) {
                Steal::Success(task) => return Some(task),
                Steal::Empty => return None,
                Steal::Retry => continue,
            }
        }
    }

    fn next_random(&self, bound: usize) -> usize {
        // xorshift64*: only spreads the victims; no quality needed.
        let mut x = self.rng.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng.set(x);
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as usize % bound
    }

    /// Steals half of a random victim's queue, then tries the injector.
    fn steal(&self, shared: &Arc<Shared<M>>) -> Option<Task<M>> {
        let workers = shared.workers();
        loop {
            let mut retry = false;
            let mut take = |attempt: Steal<Task<M>>| match attempt {
                Steal::Success(task) => Some(task),
                Steal::Retry => {
                    retry = true;
                    None
                }
                Steal::Empty => None,
            };
            // Woken for this worker while it searched.
            if let Some(task) = take(shared.inbound[self.index].steal_batch_and_pop(&self.local)) {
                return Some(task);
            }
            let start = self.next_random(workers);
            for offset in 0..workers {
                let victim = (start + offset) % workers;
                if victim == self.index {
                    continue;
                }
                let stolen = take(shared.stealers[victim].steal_batch_and_pop(&self.local))
                    .or_else(|| take(shared.inbound[victim].steal_batch_and_pop(&self.local)));
                if stolen.is_some() {
                    return stolen;
                }
            }
            if let Some(task) = self.take_from_injector(shared) {
                return Some(task);
            }
            if !retry {
                return None;
            }
        }
    }

    /// Keeps stealing for up to [`SPIN_BEFORE_PARK`] (the caller is searching, so its
    /// local queue and LIFO slot are empty and nobody else pushes to them; other
    /// workers may push to its inbound queue, which `steal` looks at first).
    ///
    /// Between two looks it yields the CPU to any other thread ready to run on it
    /// (`sched_yield`, which returns at once when there is none). The work it waits for
    /// may come from a thread of another scheduler (a process on another host of the
    /// same node) that is ready but has no CPU: a spin that keeps the CPU delays that
    /// thread by the whole spin, and then both sides park and pay a futex wake-up. On
    /// this 2-core machine a round trip between processes on two hosts took 55-120 us
    /// with a plain spin and 11 us with the yield (`lua_workload xping`, session 45),
    /// while workloads inside one scheduler did not change.
    #[cfg(not(loom))]
    fn spin(&self, shared: &Arc<Shared<M>>) -> Option<Task<M>> {
        let deadline = std::time::Instant::now() + SPIN_BEFORE_PARK;
        loop {
            for _ in 0..32 {
                std::hint::spin_loop();
            }
            if shared.is_stopping() {
                return None;
            }
            // Look before stealing: reading the queues' ends leaves their cache lines
            // shared, where a steal attempt would pull them away from the producers.
            if shared.has_queued_work() {
                if let Some(task) = self.steal(shared) {
                    return Some(task);
                }
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            std::thread::yield_now();
        }
    }

    /// Under loom, time does not pass: the model checks the protocol without spinning.
    #[cfg(loom)]
    fn spin(&self, _shared: &Arc<Shared<M>>) -> Option<Task<M>> {
        None
    }

    /// Rule 3 of idle/README.md.
    fn leave_search(&self, shared: &Shared<M>, searching: &mut bool) {
        if std::mem::take(searching) && shared.idle.stop_searching() {
            shared.notify_parked();
        }
    }

    /// Rules 4 and 5 of idle/README.md.
    fn park(&self, shared: &Shared<M>, searching: &mut bool) {
        let was_last_searcher = shared.idle.park(self.index, std::mem::take(searching));
        if was_last_searcher && shared.has_queued_work() {
            shared.notify_parked();
        }
        loop {
            if shared.is_stopping() {
                // Not listed any more means a notifier counted us as searching.
                *searching = !shared.idle.unlist(self.index);
                return;
            }
            shared.parkers[self.index].park();
            if !shared.idle.is_sleeping(self.index) {
                // Whoever woke us counted us as unparked and searching (rule 1).
                *searching = true;
                return;
            }
        }
    }

    fn run_task(&self, shared: &Arc<Shared<M>>, task: Task<M>) {
        task.state.start_run();
        let index = self.index as u32;
        if task.home.load(std::sync::atomic::Ordering::Relaxed) != index {
            task.home.store(index, std::sync::atomic::Ordering::Relaxed);
        }
        if let Some(reason) = task.kill_reason() {
            shared.complete(&task, Exit::Killed(reason));
            return;
        }
        let meter = &shared.meters[self.index];
        let seq = meter.run_seq.load(Ordering::Relaxed) + 1;
        // The hook is in place before the run is published: the driver may flag the run
        // as soon as it sees `seq` (even at once, if this thread is descheduled here), and
        // it flags a run only once, so a hook stored later would never be called.
        let hook = task
            .preempt_hook
            .as_ref()
            .map_or(std::ptr::null_mut(), |_| {
                std::ptr::from_ref(&task.preempt_hook).cast_mut()
            });
        meter.open_run(seq, hook);

        let outcome = {
            let mut cx = Context::new(&task, shared, meter);
            // SAFETY: we won `start_run`, so this worker holds the process RUNNING.
            unsafe {
                task.with_body(|body| {
                    let body = body.expect("a scheduled process always has its body");
                    catch_unwind(AssertUnwindSafe(|| body.step(&mut cx)))
                })
            }
        };

        // The task may go only once the driver is not calling its hook.
        meter.close_run(seq);

        match outcome {
            Ok(Step::Wait) => {
                if task.state.finish_wait() {
                    shared.schedule(task, Placement::Back);
                }
            }
            Ok(Step::Yield) => {
                self.yielded.set(true);
                task.state.finish_yield();
                shared.schedule(task, Placement::Back);
            }
            Ok(Step::Done(value)) => shared.complete(&task, Exit::Normal(value)),
            Ok(Step::Fail(error)) => shared.complete(&task, Exit::Error(error)),
            Err(panic) => shared.complete(&task, Exit::Panicked(panic_message(&*panic))),
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}
