//! The Rust side of one Lua process: its channels, coroutines, subscriptions, timers and
//! pending terminal reads.
//!
//! Owned by the process's [`Vm`](super::instance::Vm) and reachable from every thread of that VM
//! through the state's extra space ([`state`]). Only the process's own step, and the
//! bound functions it runs, touch it, so it needs no locks. A reference to it must not be
//! held across a call that runs Lua code (`lua_resume`, `lua_pcall`).

use super::channel::{ChanId, Channels, CoId, Feed, OpId};
use super::lua::{LResult, Lua, Raise};
use super::setup::LuaEnv;
use mlua::ffi;
use rustc_hash::FxHashMap;
use slab::Slab;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::ffi::c_int;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wippy_runtime::message::{Event, Message, Topic};
use wippy_runtime::process::{ProcessHandle, Target};
use wippy_runtime::router::Router;
use wippy_scheduler::Timer;

/// A coroutine of the process (`main` is the VM's main thread).
#[derive(Debug)]
pub(crate) struct Co {
    pub(crate) thread: *mut ffi::lua_State,
    /// The registry reference that keeps the thread alive (none for the main thread).
    pub(crate) anchor: Option<c_int>,
    pub(crate) blocked: Option<OpId>,
}

/// What a fired timer feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimerTarget {
    /// A channel (`after`, `timer`, `ticker`).
    Chan(ChanId),
    /// A sleeping coroutine's wait (`sleep`).
    Op(OpId),
}

/// A timer the Lua side asked for; the driver arms it after the current resume.
#[derive(Debug)]
pub(crate) struct TimerSlot {
    pub(crate) target: TimerTarget,
    pub(crate) after: Duration,
    pub(crate) period: Option<Duration>,
    pub(crate) armed: Option<Timer>,
    /// Once armed, the soonest its next fire can come: the arming instant plus `after`
    /// (a one-shot) or plus `period` once more than the ticks taken so far (a ticker).
    /// `None` before it is armed, or past what an `Instant` can hold (it never fires).
    /// Its entry in [`Occasional::due`] carries the same instant.
    pub(crate) due: Option<Instant>,
}

/// A terminal read in flight. Dropped unanswered (its process ended, or a CANCEL ended
/// the read), it gives up its slot, so that what the stdin thread reads for it goes to
/// the next read instead of being lost.
#[derive(Debug)]
pub(crate) struct PendingRead {
    pub(crate) slot: Arc<crate::modules::io::ReadSlot>,
    pub(crate) op: OpId,
}

impl Drop for PendingRead {
    fn drop(&mut self) {
        // Answered already: nothing to give up (the result was taken).
        self.slot.abandon();
    }
}

/// How a ready coroutine resumes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Resume {
    /// With no values (first run of a spawned coroutine, after a yield or a preemption).
    Nothing,
    /// `main`'s first run: the function and this many arguments are on its stack.
    Start(c_int),
    /// After the op it blocked on completed (its continuation answers).
    Op,
}

/// What a process's last `process.send` resolved, kept for the next one: most senders
/// write to the same peer on the same topic again and again.
#[derive(Debug, Default)]
pub(crate) struct SendCache {
    /// The last destination (PID string or name) sent to, and the process it names.
    pub(crate) target: Option<(Box<[u8]>, Target)>,
    /// The last topic sent on.
    pub(crate) topic: Option<Topic>,
}

/// The entry and host ids of a process's last spawn, kept as shared text for the next:
/// a spawner (the echo relay) starts the same entry on the same host again and again.
#[derive(Debug)]
pub(crate) struct SpawnIds {
    pub(crate) entry: Arc<str>,
    pub(crate) host: Arc<str>,
    /// The boot watch of a spawn that took its outcome at once, for the next spawn to
    /// use again once nothing else holds it (`boot_wait.rs`).
    pub(crate) spare_boot_wait: Option<Arc<super::boot_wait::BootWait>>,
}

/// A `process.upgrade`: the code the process goes on with, and its `main`'s arguments.
#[derive(Debug)]
pub(crate) struct Upgrade {
    /// The code to go on with, or why there is none (the process then ends with it).
    pub(crate) compiled:
        Result<Arc<crate::compile::CompiledEntry>, wippy_runtime::payload::ErrorValue>,
    pub(crate) args: wippy_runtime::message::Payloads,
}

/// What the Lua functions of one process share with its driver.
#[derive(Debug)]
pub(crate) struct ProcState {
    pub(crate) env: Arc<LuaEnv>,
    pub(crate) handle: ProcessHandle,
    pub(crate) entry: Arc<crate::compile::CompiledEntry>,
    pub(crate) terminal: bool,
    pub(crate) channels: Channels,
    pub(crate) router: Router<ChanId>,
    /// `process.inbox()`: the channel and a registry reference to its userdata.
    pub(crate) inbox: Option<(ChanId, c_int)>,
    /// `process.events()`: likewise.
    pub(crate) events: Option<(ChanId, c_int)>,
    /// The feed of every channel that is not a plain user channel.
    pub(crate) feeds: FxHashMap<ChanId, Feed>,
    /// Lifecycle events not yet received, each with its arrival number (from the
    /// router's count, so that a select takes events and messages in arrival order;
    /// [`UNNUMBERED`](super::feed::UNNUMBERED) until the step's messages are routed).
    pub(crate) pending_events: VecDeque<(u64, Event)>,
    /// Messages taken from the mailbox, not yet routed.
    pub(crate) incoming: VecDeque<Message>,
    pub(crate) coroutines: Slab<Co>,
    /// Coroutines to run, with how they resume.
    pub(crate) ready: VecDeque<(CoId, Resume)>,
    /// The coroutine running now, and its thread.
    pub(crate) current: CoId,
    pub(crate) current_thread: *mut ffi::lua_State,
    /// The op the running coroutine blocked on (set by a blocking call before it yields).
    pub(crate) blocked_on: Option<OpId>,
    /// Wakes this process from other threads (terminal reads).
    pub(crate) notifier: Option<wippy_scheduler::Notifier>,
    /// New coroutines from `coroutine.spawn` during the current resume.
    pub(crate) spawned: Vec<Co>,
    /// The process sent a message (the next send allocates `sent`).
    pub(crate) has_sent: bool,
    /// The running coroutine sent a message to its own process and yielded so that the
    /// driver takes it in before the send returns (`process.send`; read and cleared by
    /// the driver).
    pub(crate) intake_due: bool,
    /// The yielding call woke others by a close, whose woken coroutines run before the
    /// caller; after a send or receive that met a waiting partner the caller runs first
    /// (the order of the original's channel results: `yield_to_woken` in
    /// `modules/channel.rs`, read and cleared by the driver).
    pub(crate) woken_go_first: bool,
    /// What the last send resolved (allocated at the second send).
    pub(crate) sent: Option<Box<SendCache>>,
    /// The ids of the last spawn (allocated at the first spawn).
    pub(crate) spawn_ids: Option<Box<SpawnIds>>,
    /// The senders' hosts and the topics of received messages, and their strings
    /// (allocated at the first message received).
    pub(crate) received: Option<Box<super::received::Received>>,
    /// Registry references to `process.event` and `process.registry`, once read.
    pub(crate) event_table: Option<c_int>,
    pub(crate) registry_table: Option<c_int>,
    /// Registry reference to the weak-keyed table of this process's channel userdata
    /// (made at the first channel; see `vm/sweep.rs`).
    pub(crate) channel_keys: Option<c_int>,
    /// What only some processes use, allocated at the first use ([`Occasional`]).
    pub(crate) occasional: Option<Box<Occasional>>,
}

// A process that uses nothing of [`Occasional`] keeps its state in mimalloc's 768-byte
// size class (the next is 1 KB); a field added here must not push it over.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<ProcState>() <= 768);

/// The part of a [`ProcState`] that only some processes use: timers, `listen` channels,
/// terminal reads, `exec`s, loaded libraries, an upgrade and plain yields. Kept out of
/// line and allocated at the first use ([`ProcState::occasional`]), so that the state
/// of a process that uses none of them (the tutorial's worker, blocked in its inbox)
/// fits the allocator's 768-byte size class instead of the 1 KB one.
#[derive(Debug, Default)]
pub(crate) struct Occasional {
    /// The `library.lua` entries this process loaded with `require`: a `require` in
    /// their code resolves against their own `modules:` and `imports:`.
    pub(crate) libraries: Vec<Arc<crate::compile::CompiledEntry>>,
    /// `process.listen(topic)` (and `subscribe`) channels, per topic, with a registry
    /// reference to each channel's userdata.
    pub(crate) listens: FxHashMap<Topic, (ChanId, c_int)>,
    /// Timer channels that ticked, once per tick, not yet fed; `true` with a one-shot
    /// timer's tick, after which its channel closes (as the original's, whose fire ends
    /// with a terminal payload).
    pub(crate) ticks: Vec<(ChanId, bool)>,
    pub(crate) timers: FxHashMap<u64, TimerSlot>,
    /// Armed timers by the soonest their next fire can come, then by token (the order
    /// they were asked for): a step looks only at those whose time has come, in that
    /// order, however many wait. An entry whose instant is not its slot's `due` (the
    /// timer stopped, reset, ticked or freed since) is stale and skipped.
    pub(crate) due: BinaryHeap<Reverse<(Instant, u64)>>,
    pub(crate) next_timer: u64,
    pub(crate) timers_to_arm: Vec<u64>,
    pub(crate) reads: Vec<PendingRead>,
    /// `spawn*` calls waiting for their child to boot (`boot_wait.rs`).
    pub(crate) starts: Vec<super::boot_wait::PendingStart>,
    /// Processes run to their end for this one (`process.exec`, `funcs.call`,
    /// `funcs.async`), and who takes each one's EXIT.
    pub(crate) execs: FxHashMap<wippy_runtime::pid::Pid, ExecWaiter>,
    /// The `funcs.async` futures, by their channel (freed with it by a sweep).
    pub(crate) futures: FxHashMap<ChanId, FutureState>,
    /// The `events.subscribe` subscriptions, by their channel; dropping one (`close`, or
    /// the end of the process with this state) takes it off the runtime's event bus.
    pub(crate) event_subscriptions: FxHashMap<ChanId, wippy_runtime::EventSubscription>,
    /// A `process.upgrade` the running coroutine asked for (taken by the driver).
    pub(crate) upgrade: Option<Box<Upgrade>>,
    /// The process terminated itself (`process.terminate` of its own pid, or a name it
    /// holds): the driver ends the step as soon as the resume returns (at the call's
    /// yield where it can yield), and the scheduler then ends the process, as the
    /// original's scheduler ends it at that call.
    pub(crate) halted: bool,
    /// Coroutines that yielded with `coroutine.yield()` (or were preempted): they run
    /// again once `ready` is empty, in the order they yielded (as the original, whose
    /// plain yields wait for the next round of its task queue).
    pub(crate) yielded: Vec<CoId>,
    /// Script coroutines (`coroutine.create`, `wrap`) whose resume the preemption hook
    /// interrupted: their resumer goes on with them when the driver resumes it, and
    /// meanwhile nothing else may resume or close them (`modules/coroutine.rs`).
    pub(crate) preempted_resumes: Vec<*mut ffi::lua_State>,
    /// Events that came in line with the messages of this step (a CANCEL), each with
    /// how many of the step's messages (`ProcState::incoming`) came before it; numbered
    /// and queued among them by `feed::deliver`, which empties this in the same step.
    pub(crate) inline_events: Vec<(usize, Event)>,
    /// A CANCEL came while no terminal read waited, and the process has neither read
    /// since nor received it from `events()`: the next read ends at once, as a read
    /// waiting then would have (`io::read_op`), and clears this.
    pub(crate) unspent_cancel: bool,
}

/// Who takes the EXIT of a process run to its end for this one.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ExecWaiter {
    /// A blocking call (`process.exec`, `funcs.call`): the op of the coroutine waiting
    /// (`None`: the caller is gone with an upgraded VM, and the EXIT is dropped).
    Call(Option<OpId>),
    /// A `funcs.async` future: its channel gets the result, and its state records it.
    Future(ChanId),
}

/// A `funcs.async` future's state (its Lua object holds the channel).
#[derive(Debug)]
pub(crate) struct FutureState {
    /// The process running the function.
    pub(crate) pid: wippy_runtime::pid::Pid,
    /// How it ended, once it has.
    pub(crate) outcome: Option<wippy_runtime::message::Outcome>,
    /// `future:cancel()` was called before the end.
    pub(crate) canceled: bool,
}

impl ProcState {
    pub(crate) fn new(
        env: Arc<LuaEnv>,
        handle: ProcessHandle,
        entry: Arc<crate::compile::CompiledEntry>,
        terminal: bool,
    ) -> ProcState {
        ProcState {
            env,
            handle,
            entry,
            terminal,
            channels: Channels::default(),
            router: Router::new(),
            inbox: None,
            events: None,
            feeds: FxHashMap::default(),
            pending_events: VecDeque::new(),
            incoming: VecDeque::new(),
            coroutines: Slab::new(),
            ready: VecDeque::new(),
            current: 0,
            current_thread: std::ptr::null_mut(),
            blocked_on: None,
            spawned: Vec::new(),
            notifier: None,
            has_sent: false,
            intake_due: false,
            woken_go_first: false,
            sent: None,
            spawn_ids: None,
            received: None,
            event_table: None,
            registry_table: None,
            channel_keys: None,
            occasional: None,
        }
    }

    /// The [`Occasional`] part, allocated now if this is its first use.
    pub(crate) fn occasional(&mut self) -> &mut Occasional {
        self.occasional.get_or_insert_default()
    }

    /// Asks for a timer; armed by the driver after this resume. Returns its token.
    pub(crate) fn request_timer(
        &mut self,
        after: Duration,
        period: Option<Duration>,
        target: TimerTarget,
    ) -> u64 {
        let occasional = self.occasional();
        occasional.next_timer += 1;
        let token = occasional.next_timer;
        occasional.timers.insert(
            token,
            TimerSlot {
                target,
                after,
                period,
                armed: None,
                due: None,
            },
        );
        occasional.timers_to_arm.push(token);
        token
    }

    /// `timer:stop()`: `true` if the timer was still active.
    pub(crate) fn stop_timer(&mut self, token: u64) -> bool {
        self.occasional
            .as_mut()
            .is_some_and(|o| o.timers.remove(&token).is_some())
    }

    /// `timer:reset(d)`: re-arms the timer (the caller checked that `chan` is open);
    /// `true` if it was still active.
    pub(crate) fn reset_timer(
        &mut self,
        token: u64,
        chan: ChanId,
        after: Duration,
        period: Option<Duration>,
    ) -> bool {
        let occasional = self.occasional();
        let active = occasional.timers.contains_key(&token);
        occasional.timers.insert(
            token,
            TimerSlot {
                target: TimerTarget::Chan(chan),
                after,
                period,
                armed: None,
                due: None,
            },
        );
        occasional.timers_to_arm.push(token);
        active
    }

    /// `true` when something outside the coroutines can still wake one: a subscription
    /// (inbox, events, listen), a timer, a terminal read, or a process run by `exec`.
    pub(crate) fn has_external_wakers(&self) -> bool {
        self.inbox.is_some()
            || self.events.is_some()
            || self.occasional.as_deref().is_some_and(|o| {
                !o.listens.is_empty()
                    || !o.timers.is_empty()
                    || !o.reads.is_empty()
                    || !o.starts.is_empty()
                    || !o.execs.is_empty()
            })
    }
}

/// The process state of the VM `lua` belongs to.
///
/// # Errors
///
/// A VM without a process (the plain VMs of [`crate::LuaVm`]).
pub(crate) fn state<'a>(lua: Lua) -> LResult<&'a mut ProcState> {
    // SAFETY: every thread of a VM inherits the main thread's extra space, where the VM
    // stores its state pointer (null for a VM without a process); the state outlives the
    // process's Lua code (it is dropped after `lua_close`, or by `Vm::scrub` once the
    // process ended, when none of its threads can run again: nothing reachable from the
    // next process leads to them). Exclusivity: see the module docs —
    // only one bound function runs at a time, and none keeps the reference past its return.
    unsafe {
        let p = *ffi::lua_getextraspace(lua.raw()).cast::<*mut ProcState>();
        if p.is_null() {
            return Err(Raise::from("this function needs a running process"));
        }
        Ok(&mut *p)
    }
}
