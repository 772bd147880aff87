//! Process-local channels (reference §1.3) and the wait/complete protocol of the
//! coroutines that block on them.
//!
//! Everything here belongs to one process's state ([`ProcState`](super::state::ProcState))
//! and runs on whichever worker steps that process: no locks, and no Lua (values are
//! [`Slot`]s). A coroutine that blocks registers one [`Op`] (a receive, a send, a select
//! over several cases, a sleep or a terminal read); the first event able to complete it
//! does so and readies the coroutine. Registrations the op left in other channels' queues
//! carry the op's sequence number, so they are recognised as stale once the op is done,
//! even after its slab slot is reused.
//!
//! The commonest wait, one coroutine in a plain receive, takes the [`INLINE`] op
//! instead when it is free: kept in a field rather than the slab, and registered in no
//! queue (it is always the channel's first receiver, so the channel consults it before
//! its queue). A process blocked in `inbox:receive()` waits this way, and the driver
//! hands it the next inbox message straight from the mailbox (`feed::collect`).
//!
//! # Memory
//!
//! A channel's buffer is Rust memory of its process, charged to the VM's memory limit
//! (`vm/alloc.rs`) by its capacity, in bytes of [`Slot`]s: only when the buffer grows
//! (a compare per buffered value, and a charge per doubling), released when the
//! channel is removed or the process's state dropped. A send that would grow a buffer
//! past the limit first frees what garbage holds (`sweep::free_garbage`: a full
//! collection, and the channels nothing reaches any more, with their buffers); if it
//! still does not fit, it is not made: its value is dropped (to [`Channels::garbage`]),
//! [`Channels::memory_error`] is set, and the blocking call's trampoline raises Lua's
//! memory error when the send returns (`vm/lua.rs`, `finish`), as if the send had
//! allocated in Lua. A buffer fed by the process's feeds (messages, events, ticks) grows
//! past the limit instead, since refusing would only leave the value in the feed; the
//! script's next allocation then fails. Extra Rust memory a channel stands for (the
//! topic of a `listen` channel) is charged with [`Channels::charge`] and released with
//! the channel.

use super::alloc::{HeapRef, OverLimit};
use super::slot::Slot;
use slab::Slab;
use smallvec::SmallVec;
use std::collections::VecDeque;

/// A channel's index in its process's channel table.
pub(crate) type ChanId = usize;
/// A pending operation's index.
pub(crate) type OpId = usize;
/// A coroutine's index.
pub(crate) type CoId = usize;

/// What feeds a process channel besides user sends (plain `channel.new` channels
/// have no feed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Feed {
    /// `process.inbox()`: Message objects from the router.
    Inbox,
    /// `process.events()`: event tables.
    Events,
    /// `process.listen(topic)`: raw payloads, or Message objects when `message` is set.
    Listen { message: bool },
    /// A timer or ticker channel.
    Timer,
}

/// The op id of the inline receive (see [`Channels::block_receive`]).
pub(crate) const INLINE: OpId = OpId::MAX;

/// The registration of the inline receive, as its channel's first receiver.
const INLINE_TICKET: Ticket = Ticket {
    op: INLINE,
    seq: 0,
    case: 0,
};

/// The inline receive: a plain receive of coroutine `co` on `chan`.
#[derive(Debug)]
struct InlineReceive {
    chan: ChanId,
    co: CoId,
    done: Option<Completion>,
}

/// A registration of a blocked op in a channel's queue.
#[derive(Debug, Clone, Copy)]
struct Ticket {
    op: OpId,
    seq: u64,
    case: usize,
}

/// One channel.
#[derive(Debug)]
pub(crate) struct Channel {
    pub(crate) buf: VecDeque<Slot>,
    pub(crate) cap: usize,
    pub(crate) closed: bool,
    recvq: VecDeque<Ticket>,
    sendq: VecDeque<(Ticket, Slot)>,
    /// Bytes charged to the VM for this channel: its buffer's capacity and any extra
    /// ([`Channels::charge`]).
    charged: usize,
}

/// What one buffered value takes in a channel's buffer.
const SLOT_BYTES: usize = std::mem::size_of::<Slot>();

/// The fewest values a growing buffer makes room for (as `VecDeque` does).
const MIN_GROWTH: usize = 4;

impl Channel {
    fn new(cap: usize) -> Channel {
        Channel {
            buf: VecDeque::new(),
            cap,
            closed: false,
            recvq: VecDeque::new(),
            sendq: VecDeque::new(),
            charged: 0,
        }
    }

    /// Makes room in the buffer for one more value (the caller checked `len < cap`),
    /// charging what the buffer grows by; `strict` refuses to grow past the limit.
    #[inline]
    fn room(&mut self, heap: &HeapRef, strict: bool) -> Result<usize, OverLimit> {
        if self.buf.len() < self.buf.capacity() {
            return Ok(0);
        }
        self.grow(heap, strict)
    }

    /// Doubles the buffer (at least [`MIN_GROWTH`] values, at most up to `cap`) and
    /// charges the bytes it grew by; returns them.
    #[cold]
    fn grow(&mut self, heap: &HeapRef, strict: bool) -> Result<usize, OverLimit> {
        let old = self.buf.capacity();
        let want = self.growth_values();
        let bytes = want.saturating_mul(SLOT_BYTES);
        if strict {
            heap.charge(bytes)?;
        } else {
            heap.charge_anyway(bytes);
        }
        self.buf.reserve_exact(want);
        // The allocator may have given more than asked: charge what was made.
        let grown = (self.buf.capacity() - old) * SLOT_BYTES;
        if grown > bytes {
            heap.charge_anyway(grown - bytes);
        } else {
            heap.release(bytes - grown);
        }
        self.charged += grown;
        Ok(grown)
    }

    /// How many values the buffer grows by when it is full (see [`grow`](Self::grow)).
    fn growth_values(&self) -> usize {
        self.buf
            .capacity()
            .max(MIN_GROWTH)
            .min(self.cap.saturating_sub(self.buf.len()))
            .max(1)
    }

    /// The bytes a value buffered now would charge: what the buffer grows by if it is
    /// full to its capacity and below its bound, else 0.
    fn send_growth(&self) -> usize {
        if self.buf.len() < self.buf.capacity() || self.buf.len() >= self.cap {
            return 0;
        }
        self.growth_values().saturating_mul(SLOT_BYTES)
    }
}

/// How a blocked operation ended; turned into Lua values when its coroutine resumes.
#[derive(Debug)]
pub(crate) enum Completion {
    /// A receive (case index, value, ok).
    Received(usize, Slot, bool),
    /// A send went through (case index).
    Sent(usize),
    /// A waiting send met the close of its channel: it returns `nil, err`.
    SendClosed,
    /// A sleep ended.
    Woke,
    /// A terminal read ended.
    Read(crate::modules::io::ReadResult),
    /// A process run by `process.exec` ended.
    Exited(wippy_runtime::message::Outcome),
    /// A spawn's child booted (its PID), or failed to (the spawn's error).
    Started(Result<wippy_runtime::pid::Pid, Box<wippy_runtime::payload::ErrorValue>>),
    /// The call returns this value (`coroutine.spawn`'s thread, after the new coroutine
    /// had its turn).
    Value(Slot),
    /// The call returns the given number of values it left on its stack before it
    /// yielded (`process.send` to the process itself, which yields only so that the
    /// driver takes the message in before the call returns).
    Returns(std::ffi::c_int),
}

/// A blocked operation.
#[derive(Debug)]
pub(crate) struct Op {
    pub(crate) co: CoId,
    seq: u64,
    /// For select: the stack index of each case userdata in the waiting call (the
    /// result names its channel and, for a send, its value).
    pub(crate) select: Option<SmallVec<[std::ffi::c_int; 4]>>,
    pub(crate) done: Option<Completion>,
}

/// The cases of one blocking call (a receive or send has one).
pub(crate) type Cases = SmallVec<[Case; 2]>;

/// One case of a receive, send or select.
#[derive(Debug)]
pub(crate) enum Case {
    Recv(ChanId),
    /// Boxed: sends block rarely, and a receive case stays two words.
    Send(ChanId, Box<Slot>),
}

/// The channel table and the pending operations of one process.
#[derive(Debug, Default)]
pub(crate) struct Channels {
    pub(crate) chans: Slab<Channel>,
    pub(crate) ops: Slab<Op>,
    next_seq: u64,
    /// Coroutines whose op completed, in completion order.
    pub(crate) completed: VecDeque<CoId>,
    /// Values dropped from queues (stale send registrations); the driver releases them.
    pub(crate) garbage: Vec<Slot>,
    /// The channel count at which the next sweep may run (see `vm/sweep.rs`).
    pub(crate) sweep_at: usize,
    /// The [`INLINE`] op, while taken.
    inline: Option<InlineReceive>,
    /// The VM's heap, charged for the channels' memory (set by `Vm::new`/`Vm::adopt`;
    /// none for a state without a VM).
    pub(crate) heap: HeapRef,
    /// Bytes charged for all channels (the sum of their `charged`).
    charged: usize,
    /// A send was refused for want of memory: the blocking call raises Lua's memory
    /// error when it returns (see the module docs); cleared by [`take_memory_error`].
    pub(crate) memory_error: bool,
}

impl Drop for Channels {
    fn drop(&mut self) {
        if self.charged != 0 {
            self.heap.release(self.charged);
        }
    }
}

/// `true` (once) if a send of the running bound function was refused for want of
/// memory (see the module docs): the caller raises Lua's memory error.
#[inline]
pub(crate) fn take_memory_error(lua: super::lua::Lua) -> bool {
    match super::state::state(lua) {
        Ok(st) if st.channels.memory_error => {
            st.channels.memory_error = false;
            true
        }
        _ => false,
    }
}

/// The immediate result of trying a case.
#[derive(Debug)]
pub(crate) enum Attempt {
    Received(Slot, bool),
    Sent,
    SendClosed,
    NotReady,
}

impl Channels {
    pub(crate) fn create(&mut self, cap: usize) -> ChanId {
        // Most processes have one channel, their inbox: room for just that one first
        // (a slab would otherwise start with four slots of a hundred bytes each).
        if self.chans.capacity() == 0 {
            self.chans.reserve_exact(1);
        }
        self.chans.insert(Channel::new(cap))
    }

    /// Removes channel `chan` (no op waits on it: see `vm/sweep.rs`); returns the values
    /// it held, for the caller to release.
    pub(crate) fn remove(&mut self, chan: ChanId) -> Vec<Slot> {
        let Some(c) = self.chans.try_remove(chan) else {
            return Vec::new();
        };
        self.heap.release(c.charged);
        self.charged -= c.charged;
        c.buf
            .into_iter()
            .chain(c.sendq.into_iter().map(|(_, slot)| slot))
            .collect()
    }

    /// `true` while the inline receive waits on `chan`.
    pub(crate) fn inline_waits_on(&self, chan: ChanId) -> bool {
        self.inline
            .as_ref()
            .is_some_and(|r| r.chan == chan && r.done.is_none())
    }

    fn live(&self, ticket: Ticket) -> bool {
        self.ops
            .get(ticket.op)
            .is_some_and(|op| op.seq == ticket.seq && op.done.is_none())
    }

    /// Completes `op` unless it is already done.
    pub(crate) fn complete(&mut self, op: OpId, completion: Completion) {
        self.complete_ticket(op, None, completion);
    }

    fn complete_ticket(&mut self, op: OpId, seq: Option<u64>, completion: Completion) {
        if op == INLINE {
            match &mut self.inline {
                Some(r) if r.done.is_none() => {
                    r.done = Some(completion);
                    self.completed.push_back(r.co);
                }
                _ => self.discard(completion),
            }
            return;
        }
        match self.ops.get_mut(op) {
            Some(entry) if entry.done.is_none() && seq.is_none_or(|s| s == entry.seq) => {
                entry.done = Some(completion);
                self.completed.push_back(entry.co);
            }
            _ => self.discard(completion),
        }
    }

    /// Keeps the value of a completion nobody waits for any more, to be released.
    fn discard(&mut self, completion: Completion) {
        if let Completion::Received(_, slot, _) | Completion::Value(slot) = completion {
            self.garbage.push(slot);
        }
    }

    /// The first live blocked receiver of `chan`, removed from its queue.
    fn pop_receiver(&mut self, chan: ChanId) -> Option<Ticket> {
        if self.inline_waits_on(chan) {
            return Some(INLINE_TICKET);
        }
        loop {
            let ticket = self.chans.get_mut(chan)?.recvq.pop_front()?;
            if self.live(ticket) {
                return Some(ticket);
            }
        }
    }

    /// `true` if a live blocked receiver waits on `chan` (stale registrations are dropped).
    pub(crate) fn has_receiver(&mut self, chan: ChanId) -> bool {
        if self.inline_waits_on(chan) {
            return true;
        }
        loop {
            let Some(&ticket) = self.chans.get(chan).and_then(|c| c.recvq.front()) else {
                return false;
            };
            if self.live(ticket) {
                return true;
            }
            if let Some(c) = self.chans.get_mut(chan) {
                c.recvq.pop_front();
            }
        }
    }

    fn pop_sender(&mut self, chan: ChanId) -> Option<(Ticket, Slot)> {
        loop {
            let (ticket, slot) = self.chans.get_mut(chan)?.sendq.pop_front()?;
            if self.live(ticket) {
                return Some((ticket, slot));
            }
            self.garbage.push(slot);
        }
    }

    fn has_sender(&mut self, chan: ChanId) -> bool {
        loop {
            let Some(ticket) = self
                .chans
                .get(chan)
                .and_then(|c| c.sendq.front())
                .map(|s| s.0)
            else {
                return false;
            };
            if self.live(ticket) {
                return true;
            }
            if let Some((_, slot)) = self.chans.get_mut(chan).and_then(|c| c.sendq.pop_front()) {
                self.garbage.push(slot);
            }
        }
    }

    /// `true` if a value offered to `chan` now would be taken.
    pub(crate) fn takes(&mut self, chan: ChanId) -> bool {
        self.has_receiver(chan)
            || self
                .chans
                .get(chan)
                .is_some_and(|c| !c.closed && c.buf.len() < c.cap)
    }

    /// Offers a value from the process's feed (router, events, timers): handed to a
    /// blocked receiver, else buffered if there is room. Gives it back otherwise.
    pub(crate) fn offer(&mut self, chan: ChanId, value: Slot) -> Result<(), Slot> {
        self.offer_with(chan, value, true)
    }

    /// As [`Channels::offer`], but buffered only when `may_buffer`: a routed message
    /// stays out of a buffer while an older one waits for another channel, because a
    /// `select` takes a buffered value as older than any that waits.
    pub(crate) fn offer_with(
        &mut self,
        chan: ChanId,
        value: Slot,
        may_buffer: bool,
    ) -> Result<(), Slot> {
        if let Some(ticket) = self.pop_receiver(chan) {
            self.complete_ticket(
                ticket.op,
                Some(ticket.seq),
                Completion::Received(ticket.case, value, true),
            );
            return Ok(());
        }
        match self.chans.get_mut(chan) {
            Some(c) if may_buffer && !c.closed && c.buf.len() < c.cap => {
                // Not strict: never refused (see the module docs).
                self.charged += c.room(&self.heap, false).unwrap_or(0);
                c.buf.push_back(value);
                Ok(())
            }
            _ => Err(value),
        }
    }

    /// Charges `bytes` more to channel `chan` (Rust memory it stands for, such as a
    /// `listen` channel's topic), released with the channel. Charged even past the
    /// limit: the caller made room first (`alloc::make_room`).
    pub(crate) fn charge(&mut self, chan: ChanId, bytes: usize) {
        let Some(c) = self.chans.get_mut(chan) else {
            return;
        };
        self.heap.charge_anyway(bytes);
        c.charged += bytes;
        self.charged += bytes;
    }

    /// `true` if a receive (`send` false) or send on `chan` could complete now; consumes
    /// nothing. `has_feed` says whether the channel's feed (router, event queue) holds a
    /// value.
    pub(crate) fn ready(&mut self, send: bool, chan: ChanId, has_feed: bool) -> bool {
        let Some(c) = self.chans.get(chan) else {
            return true;
        };
        if send {
            if c.closed || c.buf.len() < c.cap {
                return true;
            }
            self.has_receiver(chan)
        } else {
            if !c.buf.is_empty() || c.closed || has_feed {
                return true;
            }
            self.has_sender(chan)
        }
    }

    /// `true` when `chan` has buffered values.
    pub(crate) fn buffered(&self, chan: ChanId) -> bool {
        self.chans.get(chan).is_some_and(|c| !c.buf.is_empty())
    }

    /// Receives from `chan` now if possible (its buffer, then a blocked sender); the
    /// caller tries the channel's feed first when the buffer is empty.
    pub(crate) fn try_recv(&mut self, chan: ChanId) -> Attempt {
        let Some(c) = self.chans.get_mut(chan) else {
            return Attempt::Received(Slot::Nil, false);
        };
        if let Some(value) = c.buf.pop_front() {
            // Room freed: move a blocked sender's value in.
            if let Some((ticket, v)) = self.pop_sender(chan) {
                if let Some(c) = self.chans.get_mut(chan) {
                    c.buf.push_back(v);
                }
                self.complete_ticket(ticket.op, Some(ticket.seq), Completion::Sent(ticket.case));
            }
            return Attempt::Received(value, true);
        }
        if let Some((ticket, v)) = self.pop_sender(chan) {
            self.complete_ticket(ticket.op, Some(ticket.seq), Completion::Sent(ticket.case));
            return Attempt::Received(v, true);
        }
        if self.chans.get(chan).is_some_and(|c| c.closed) {
            return Attempt::Received(Slot::Nil, false);
        }
        Attempt::NotReady
    }

    /// `true` if a value sent on `chan` now would grow its buffer past the VM's memory
    /// limit (the caller frees garbage first: see `sweep::free_garbage`).
    pub(crate) fn send_would_overflow(&self, chan: ChanId) -> bool {
        self.chans.get(chan).is_some_and(|c| {
            let bytes = c.send_growth();
            bytes > 0 && !self.heap.fits(bytes)
        })
    }

    /// Sends `value` on `chan` now if possible; gives the value back when not ready.
    pub(crate) fn try_send(&mut self, chan: ChanId, value: Slot) -> (Attempt, Option<Slot>) {
        let Some(c) = self.chans.get(chan) else {
            return (Attempt::SendClosed, Some(value));
        };
        if c.closed {
            return (Attempt::SendClosed, Some(value));
        }
        if let Some(ticket) = self.pop_receiver(chan) {
            self.complete_ticket(
                ticket.op,
                Some(ticket.seq),
                Completion::Received(ticket.case, value, true),
            );
            return (Attempt::Sent, None);
        }
        match self.chans.get_mut(chan) {
            Some(c) if c.buf.len() < c.cap => match c.room(&self.heap, true) {
                Ok(grown) => {
                    self.charged += grown;
                    c.buf.push_back(value);
                    (Attempt::Sent, None)
                }
                Err(OverLimit { .. }) => {
                    // Not sent: the call raises the memory error as it returns.
                    self.memory_error = true;
                    self.garbage.push(value);
                    (Attempt::Sent, None)
                }
            },
            _ => (Attempt::NotReady, Some(value)),
        }
    }

    /// A new pending op of coroutine `co`, registered in every case's channel.
    pub(crate) fn block(
        &mut self,
        co: CoId,
        cases: Cases,
        select: Option<SmallVec<[std::ffi::c_int; 4]>>,
    ) -> OpId {
        self.next_seq += 1;
        let seq = self.next_seq;
        let op = self.ops.insert(Op {
            co,
            seq,
            select,
            done: None,
        });
        for (case, registration) in cases.into_iter().enumerate() {
            let ticket = Ticket { op, seq, case };
            match registration {
                Case::Recv(chan) => {
                    if let Some(c) = self.chans.get_mut(chan) {
                        c.recvq.push_back(ticket);
                    }
                }
                Case::Send(chan, value) => match self.chans.get_mut(chan) {
                    Some(c) => c.sendq.push_back((ticket, *value)),
                    None => self.garbage.push(*value),
                },
            }
        }
        op
    }

    /// A plain receive of coroutine `co` on `chan` that could not complete now: the
    /// [`INLINE`] op when it is free and no other receiver waits on `chan` (so that it
    /// is the first), a new op otherwise.
    pub(crate) fn block_receive(&mut self, co: CoId, chan: ChanId) -> OpId {
        if self.inline.is_none() && self.chans.contains(chan) && !self.has_receiver(chan) {
            self.inline = Some(InlineReceive {
                chan,
                co,
                done: None,
            });
            return INLINE;
        }
        self.block(co, smallvec::smallvec![Case::Recv(chan)], None)
    }

    /// Takes a completed op out (when its coroutine resumes).
    pub(crate) fn take(&mut self, op: OpId) -> Option<Op> {
        if op == INLINE {
            if self.inline.as_ref().is_none_or(|r| r.done.is_none()) {
                return None;
            }
            return self.inline.take().map(|r| Op {
                co: r.co,
                seq: 0,
                select: None,
                done: r.done,
            });
        }
        if self.ops.get(op).is_some_and(|o| o.done.is_some()) {
            Some(self.ops.remove(op))
        } else {
            None
        }
    }

    /// `true` while `op` waits.
    pub(crate) fn is_pending(&self, op: OpId) -> bool {
        if op == INLINE {
            return self.inline.as_ref().is_some_and(|r| r.done.is_none());
        }
        self.ops.get(op).is_some_and(|o| o.done.is_none())
    }

    /// `true` once `chan` is closed (or gone).
    pub(crate) fn is_closed(&self, chan: ChanId) -> bool {
        self.chans.get(chan).is_none_or(|c| c.closed)
    }

    /// Closes `chan`: blocked receivers get `nil, false` (once the buffer is drained),
    /// blocked senders `nil, err`. A second close does nothing.
    pub(crate) fn close(&mut self, chan: ChanId) {
        let Some(c) = self.chans.get_mut(chan) else {
            return;
        };
        if c.closed {
            return;
        }
        c.closed = true;
        let receivers: Vec<Ticket> = if c.buf.is_empty() {
            c.recvq.drain(..).collect()
        } else {
            Vec::new()
        };
        let senders: Vec<(Ticket, Slot)> = c.sendq.drain(..).collect();
        let inline = c.buf.is_empty() && self.inline_waits_on(chan);
        if inline {
            self.complete(INLINE, Completion::Received(0, Slot::Nil, false));
        }
        for ticket in receivers {
            self.complete_ticket(
                ticket.op,
                Some(ticket.seq),
                Completion::Received(ticket.case, Slot::Nil, false),
            );
        }
        for (ticket, slot) in senders {
            self.garbage.push(slot);
            self.complete_ticket(ticket.op, Some(ticket.seq), Completion::SendClosed);
        }
    }
}
