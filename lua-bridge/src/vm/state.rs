//! The Rust side of one Lua process: its channels, coroutines, subscriptions, timers and
//! pending terminal reads. Stored in the VM as app data; only the process's own step
//! (and the Lua functions it calls) touch it, so it needs no locks. A borrow of it must
//! never be held across a call back into Lua.

use super::channel::{ChanId, Channels, CoId, Feed, OpId};
use mlua::{AnyUserData, Thread};
use slab::Slab;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use wippy_runtime::message::{Event, Topic};
use wippy_runtime::process::ProcessHandle;
use wippy_runtime::router::Router;
use wippy_scheduler::Timer;

/// A coroutine of the process (`main` is the first).
#[derive(Debug)]
pub(crate) struct Co {
    pub(crate) thread: Thread,
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
}

/// A terminal read in flight.
#[derive(Debug)]
pub(crate) struct PendingRead {
    pub(crate) slot: Arc<crate::modules::io::ReadSlot>,
    pub(crate) op: OpId,
}

/// What the Lua functions of one process share with its driver.
#[derive(Debug)]
pub(crate) struct ProcState {
    pub(crate) handle: ProcessHandle,
    pub(crate) entry: Arc<crate::compile::CompiledEntry>,
    pub(crate) terminal: bool,
    pub(crate) channels: Channels,
    pub(crate) router: Router<ChanId>,
    pub(crate) inbox: Option<AnyUserData>,
    pub(crate) inbox_chan: Option<ChanId>,
    pub(crate) events: Option<AnyUserData>,
    pub(crate) events_chan: Option<ChanId>,
    pub(crate) listens: HashMap<Topic, AnyUserData>,
    /// The feed of every channel that is not a plain user channel.
    pub(crate) feeds: HashMap<ChanId, Feed>,
    pub(crate) pending_events: VecDeque<Event>,
    pub(crate) timers: HashMap<u64, TimerSlot>,
    pub(crate) next_timer: u64,
    pub(crate) timers_to_arm: Vec<u64>,
    pub(crate) reads: Vec<PendingRead>,
    pub(crate) coroutines: Slab<Co>,
    /// Coroutines to run, with how they resume.
    pub(crate) ready: VecDeque<(CoId, Resume)>,
    /// The coroutine running now.
    pub(crate) current: CoId,
    /// Errors of terminal reads, by the op they complete.
    pub(crate) read_errors: HashMap<OpId, mlua::Value>,
    /// Wakes this process from other threads (terminal reads).
    pub(crate) notifier: Option<wippy_scheduler::Notifier>,
    /// New coroutines from `coroutine.spawn` during the current resume.
    pub(crate) spawned: Vec<Thread>,
}

/// How a ready coroutine resumes.
#[derive(Debug)]
pub(crate) enum Resume {
    /// With no values (first run of a spawned coroutine, or after a plain yield).
    Nothing,
    /// `main`'s first run, with its arguments.
    Start(mlua::MultiValue),
    /// With the result of the op it blocked on.
    Op(OpId),
}

impl ProcState {
    pub(crate) fn new(
        handle: ProcessHandle,
        entry: Arc<crate::compile::CompiledEntry>,
        terminal: bool,
    ) -> ProcState {
        ProcState {
            handle,
            entry,
            terminal,
            channels: Channels::default(),
            router: Router::new(),
            inbox: None,
            inbox_chan: None,
            events: None,
            events_chan: None,
            listens: HashMap::new(),
            feeds: HashMap::new(),
            pending_events: VecDeque::new(),
            timers: HashMap::new(),
            next_timer: 0,
            timers_to_arm: Vec::new(),
            reads: Vec::new(),
            coroutines: Slab::new(),
            ready: VecDeque::new(),
            current: 0,
            spawned: Vec::new(),
            notifier: None,
            read_errors: HashMap::new(),
        }
    }

    /// Asks for a timer; armed by the driver after this resume. Returns its token.
    pub(crate) fn request_timer(
        &mut self,
        after: Duration,
        period: Option<Duration>,
        target: TimerTarget,
    ) -> u64 {
        self.next_timer += 1;
        let token = self.next_timer;
        self.timers.insert(
            token,
            TimerSlot {
                target,
                after,
                period,
                armed: None,
            },
        );
        self.timers_to_arm.push(token);
        token
    }

    /// `timer:stop()`: `true` if the timer was still active.
    pub(crate) fn stop_timer(&mut self, token: u64) -> bool {
        self.timers.remove(&token).is_some()
    }

    /// `timer:reset(d)`: re-arms the timer (also after it fired); `true` if it was active.
    pub(crate) fn reset_timer(&mut self, token: u64, after: Duration) -> bool {
        match self.timers.get_mut(&token) {
            Some(slot) => {
                slot.after = after;
                slot.armed = None;
                self.timers_to_arm.push(token);
                true
            }
            None => false,
        }
    }

    /// `true` when something outside the coroutines can still wake one: a subscription
    /// (inbox, events, listen), a timer, or a terminal read.
    pub(crate) fn has_external_wakers(&self) -> bool {
        self.inbox_chan.is_some()
            || self.events_chan.is_some()
            || !self.listens.is_empty()
            || !self.timers.is_empty()
            || !self.reads.is_empty()
    }
}
