//! Process-local channels (reference §1.3) and the wait/complete protocol of the
//! coroutines that block on them.
//!
//! Everything here belongs to one process's state ([`ProcState`](super::state::ProcState))
//! and runs on whichever worker steps that process: no locks. A coroutine that blocks
//! registers one [`Op`] (a receive, a send, or a select over several cases) in the
//! queues of the channels involved; the first channel able to complete it does so and
//! readies the coroutine with the result. Registrations left behind in other channels
//! are skipped when met (their op is no longer pending).

use mlua::{AnyUserData, Value};
use slab::Slab;
use smallvec::SmallVec;
use std::collections::VecDeque;

/// A channel's index in its process's channel table.
pub(crate) type ChanId = usize;
/// A pending operation's index.
pub(crate) type OpId = usize;
/// A coroutine's index.
pub(crate) type CoId = usize;

/// What feeds a channel besides user sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Feed {
    /// A plain `channel.new` channel.
    User,
    /// `process.inbox()`: Message objects from the router.
    Inbox,
    /// `process.events()`: event tables.
    Events,
    /// `process.listen(topic)`: raw payloads, or Message objects when `message` is set.
    Listen { message: bool },
    /// A timer or ticker channel.
    Timer,
}

/// One channel.
#[derive(Debug)]
pub(crate) struct Channel {
    pub(crate) buf: VecDeque<Value>,
    pub(crate) cap: usize,
    pub(crate) closed: bool,
    /// Blocked receivers: (op, case index).
    recvq: VecDeque<(OpId, usize)>,
    /// Blocked senders: (op, case index, value).
    sendq: VecDeque<(OpId, usize, Value)>,
}

impl Channel {
    pub(crate) fn new(cap: usize) -> Channel {
        Channel {
            buf: VecDeque::new(),
            cap,
            closed: false,
            recvq: VecDeque::new(),
            sendq: VecDeque::new(),
        }
    }
}

/// How a blocked operation ended; turned into Lua values when its coroutine resumes.
#[derive(Debug)]
pub(crate) enum Completion {
    /// A receive (case index, value, ok).
    Received(usize, Value, bool),
    /// A send went through (case index, the value sent).
    Sent(usize, Value),
    /// A send met a closed channel: raise "send on closed channel".
    SendClosed,
}

/// A blocked operation.
#[derive(Debug)]
pub(crate) struct Op {
    pub(crate) co: CoId,
    /// For select: the channel userdata of each case (so the result names it).
    pub(crate) select: Option<SmallVec<[AnyUserData; 4]>>,
    pub(crate) done: Option<Completion>,
}

/// One case of a receive, send or select.
#[derive(Debug, Clone)]
pub(crate) enum Case {
    Recv(ChanId),
    Send(ChanId, Value),
}

/// The channel table and the pending operations of one process.
#[derive(Debug, Default)]
pub(crate) struct Channels {
    pub(crate) chans: Slab<Channel>,
    pub(crate) ops: Slab<Op>,
    /// Coroutines whose op completed, in completion order.
    pub(crate) completed: VecDeque<CoId>,
}

/// The immediate result of trying a case.
#[derive(Debug)]
pub(crate) enum Attempt {
    Received(Value, bool),
    Sent(Value),
    SendClosed,
    NotReady,
}

impl Channels {
    pub(crate) fn create(&mut self, cap: usize, feed: Feed) -> ChanId {
        let _ = feed;
        self.chans.insert(Channel::new(cap))
    }

    fn live(&self, op: OpId) -> bool {
        self.ops.get(op).is_some_and(|op| op.done.is_none())
    }

    pub(crate) fn complete(&mut self, op: OpId, completion: Completion) {
        if let Some(entry) = self.ops.get_mut(op) {
            if entry.done.is_none() {
                entry.done = Some(completion);
                self.completed.push_back(entry.co);
            }
        }
    }

    /// `true` if a blocked receiver waits on `chan` (stale registrations are dropped).
    pub(crate) fn has_receiver(&mut self, chan: ChanId) -> bool {
        loop {
            let Some(&(op, _)) = self.chans.get(chan).and_then(|c| c.recvq.front()) else {
                return false;
            };
            if self.live(op) {
                return true;
            }
            if let Some(c) = self.chans.get_mut(chan) {
                c.recvq.pop_front();
            }
        }
    }

    /// Offers a value from the process's feed (router, events, timers, io): handed to a
    /// blocked receiver, else buffered if there is room. Gives it back otherwise.
    pub(crate) fn offer(&mut self, chan: ChanId, value: Value) -> Result<(), Value> {
        if self.has_receiver(chan) {
            if let Some((op, case)) = self.chans.get_mut(chan).and_then(|c| c.recvq.pop_front()) {
                self.complete(op, Completion::Received(case, value, true));
                return Ok(());
            }
        }
        match self.chans.get_mut(chan) {
            Some(c) if !c.closed && c.buf.len() < c.cap => {
                c.buf.push_back(value);
                Ok(())
            }
            _ => Err(value),
        }
    }

    /// Tries one case now, without blocking. `pull` supplies a value from the channel's
    /// feed (router or event queue) when the buffer is empty.
    pub(crate) fn attempt(
        &mut self,
        case: &Case,
        pull: &mut dyn FnMut(ChanId) -> Option<Value>,
    ) -> Attempt {
        match case {
            Case::Recv(chan) => self.try_recv(*chan, pull),
            Case::Send(chan, value) => self.try_send(*chan, value.clone()),
        }
    }

    /// `true` if [`attempt`](Self::attempt) would not return `NotReady`; consumes nothing.
    pub(crate) fn ready(&mut self, case: &Case, has_feed: &mut dyn FnMut(ChanId) -> bool) -> bool {
        match case {
            Case::Recv(chan) => {
                let chan = *chan;
                let Some(c) = self.chans.get(chan) else {
                    return true;
                };
                if !c.buf.is_empty() || c.closed {
                    return true;
                }
                if has_feed(chan) {
                    return true;
                }
                self.has_sender(chan)
            }
            Case::Send(chan, _) => {
                let chan = *chan;
                let Some(c) = self.chans.get(chan) else {
                    return true;
                };
                if c.closed || c.buf.len() < c.cap {
                    return true;
                }
                self.has_receiver(chan)
            }
        }
    }

    fn has_sender(&mut self, chan: ChanId) -> bool {
        loop {
            let Some(op) = self
                .chans
                .get(chan)
                .and_then(|c| c.sendq.front())
                .map(|s| s.0)
            else {
                return false;
            };
            if self.live(op) {
                return true;
            }
            if let Some(c) = self.chans.get_mut(chan) {
                c.sendq.pop_front();
            }
        }
    }

    fn try_recv(&mut self, chan: ChanId, pull: &mut dyn FnMut(ChanId) -> Option<Value>) -> Attempt {
        let Some(c) = self.chans.get_mut(chan) else {
            return Attempt::Received(Value::Nil, false);
        };
        if let Some(value) = c.buf.pop_front() {
            // Room freed: move a blocked sender's value in.
            if self.has_sender(chan) {
                if let Some((op, case, v)) =
                    self.chans.get_mut(chan).and_then(|c| c.sendq.pop_front())
                {
                    if let Some(c) = self.chans.get_mut(chan) {
                        c.buf.push_back(v.clone());
                    }
                    self.complete(op, Completion::Sent(case, v));
                }
            }
            return Attempt::Received(value, true);
        }
        if let Some(value) = pull(chan) {
            return Attempt::Received(value, true);
        }
        if self.has_sender(chan) {
            if let Some((op, case, v)) = self.chans.get_mut(chan).and_then(|c| c.sendq.pop_front())
            {
                self.complete(op, Completion::Sent(case, v.clone()));
                return Attempt::Received(v, true);
            }
        }
        if self.chans.get(chan).is_some_and(|c| c.closed) {
            return Attempt::Received(Value::Nil, false);
        }
        Attempt::NotReady
    }

    fn try_send(&mut self, chan: ChanId, value: Value) -> Attempt {
        let Some(c) = self.chans.get(chan) else {
            return Attempt::SendClosed;
        };
        if c.closed {
            return Attempt::SendClosed;
        }
        if self.has_receiver(chan) {
            if let Some((op, case)) = self.chans.get_mut(chan).and_then(|c| c.recvq.pop_front()) {
                self.complete(op, Completion::Received(case, value.clone(), true));
                return Attempt::Sent(value);
            }
        }
        match self.chans.get_mut(chan) {
            Some(c) if c.buf.len() < c.cap => {
                c.buf.push_back(value.clone());
                Attempt::Sent(value)
            }
            _ => Attempt::NotReady,
        }
    }

    /// Blocks coroutine `co` on `cases`: registers one op in every case's channel.
    pub(crate) fn block(
        &mut self,
        co: CoId,
        cases: &[Case],
        select: Option<SmallVec<[AnyUserData; 4]>>,
    ) -> OpId {
        let op = self.ops.insert(Op {
            co,
            select,
            done: None,
        });
        for (index, case) in cases.iter().enumerate() {
            match case {
                Case::Recv(chan) => {
                    if let Some(c) = self.chans.get_mut(*chan) {
                        c.recvq.push_back((op, index));
                    }
                }
                Case::Send(chan, value) => {
                    if let Some(c) = self.chans.get_mut(*chan) {
                        c.sendq.push_back((op, index, value.clone()));
                    }
                }
            }
        }
        op
    }

    /// Takes a completed op out (when its coroutine resumes).
    pub(crate) fn take(&mut self, op: OpId) -> Option<Op> {
        if self.ops.get(op).is_some_and(|o| o.done.is_some()) {
            Some(self.ops.remove(op))
        } else {
            None
        }
    }

    /// Closes `chan`: blocked receivers get `nil, false`, blocked senders raise.
    /// A second close does nothing.
    pub(crate) fn close(&mut self, chan: ChanId) {
        let Some(c) = self.chans.get_mut(chan) else {
            return;
        };
        if c.closed {
            return;
        }
        c.closed = true;
        let receivers: Vec<(OpId, usize)> = if c.buf.is_empty() {
            c.recvq.drain(..).collect()
        } else {
            Vec::new()
        };
        let senders: Vec<OpId> = c.sendq.drain(..).map(|s| s.0).collect();
        for (op, case) in receivers {
            self.complete(op, Completion::Received(case, Value::Nil, false));
        }
        for op in senders {
            self.complete(op, Completion::SendClosed);
        }
    }

    /// `true` if any channel of `feed` kind has a live blocked receiver.
    pub(crate) fn is_pending(&self, op: OpId) -> bool {
        self.live(op)
    }
}
