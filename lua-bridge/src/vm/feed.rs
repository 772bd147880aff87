//! Values that reach a process's channels from outside its coroutines: routed messages
//! (inbox, listen), lifecycle events, fired timers and terminal reads.
//!
//! [`collect`] takes them from the process context, and [`deliver`] offers them to
//! their channels as Rust values; both are plain Rust, run at every step. The Lua value
//! is built when a coroutine receives one ([`Slot::push`]).

use super::channel::{ChanId, Channels, Completion, Feed, INLINE};
use super::lua::Lua;
use super::slot::Slot;
use super::state::{ExecWaiter, Occasional, ProcState, TimerTarget};
use std::cmp::Reverse;
use std::time::{Instant, SystemTime};
use wippy_runtime::message::{Envelope, Event, EventKind, Message};
use wippy_runtime::process::ProcessContext;
use wippy_runtime::router::{Offer, Route, Sink};

/// The arrival number of an event collected in this step, until [`deliver`] numbers it
/// after the step's messages (above every number the router gives).
pub(crate) const UNNUMBERED: u64 = u64::MAX;

/// Moves what arrived into the state: events and messages into queues, armed timers,
/// fired sleeps and finished reads straight into completions. Returns `true` when
/// [`deliver`] has work.
pub(crate) fn collect(st: &mut ProcState, cx: &mut ProcessContext<'_, '_>) -> bool {
    // Events that travel as signals (EXIT, LINK_DOWN): numbered after this step's
    // messages by `deliver`.
    while let Some(event) = cx.recv_signaled_event() {
        if let Err(event) = take_event(st, event) {
            st.pending_events.push_back((UNNUMBERED, event));
        }
    }
    let mut inline = false;
    while let Some(mail) = cx.recv_mail() {
        match mail {
            Envelope::Message(message) => {
                if let Err(message) = hand_to_inbox_receiver(st, message) {
                    st.incoming.push_back(message);
                }
            }
            // A CANCEL: in line with the messages around it.
            Envelope::Event(event) => {
                if let Err(event) = take_event(st, event) {
                    let before = st.incoming.len();
                    st.occasional().inline_events.push((before, event));
                    inline = true;
                }
            }
        }
    }
    let mut ticked = false;
    if let Some(occasional) = st.occasional.as_deref_mut() {
        if !occasional.timers_to_arm.is_empty() || !occasional.timers.is_empty() {
            collect_timers(occasional, &mut st.channels, cx);
        }
        if !occasional.reads.is_empty() {
            collect_reads(occasional, &mut st.channels);
        }
        if !occasional.starts.is_empty() {
            collect_starts(occasional, &mut st.channels);
        }
        ticked = !occasional.ticks.is_empty();
    }
    inline
        || ticked
        || !st.incoming.is_empty()
        || (st.events.is_some() && !st.pending_events.is_empty())
}

/// What every collected event goes through first: a CANCEL ends the terminal reads, and
/// the EXIT of a process run to its end for this one completes its call
/// ([`end_exec`]). Gives back the event to queue for the `events()` channel.
#[inline]
fn take_event(st: &mut ProcState, event: Event) -> Result<(), Event> {
    if event.kind == EventKind::Cancel {
        cancel_reads(st);
    }
    end_exec(st, event)
}

/// Takes `event` when it is the EXIT of a process run to its end for this one
/// (`process.exec`, `funcs.call`, `funcs.async`): that EXIT completes the waiting call,
/// or the future (recorded, and sent on its channel), never the `events()` channel.
/// Gives the event back otherwise.
fn end_exec(st: &mut ProcState, event: Event) -> Result<(), Event> {
    let Some(occasional) = st.occasional.as_deref_mut() else {
        return Err(event);
    };
    if occasional.execs.is_empty() || event.kind != EventKind::Exit || event.outcome.is_none() {
        return Err(event);
    }
    let Some((pid, waiter)) = event
        .from
        .as_ref()
        .and_then(|pid| occasional.execs.remove_entry(pid))
    else {
        return Err(event);
    };
    let Some(outcome) = event.outcome else {
        return Ok(());
    };
    match waiter {
        ExecWaiter::Call(Some(op)) => st.channels.complete(op, Completion::Exited(outcome)),
        ExecWaiter::Call(None) => {}
        ExecWaiter::Future(chan) => {
            // A swept future's channel id may be another future's by now.
            if let Some(future) = occasional.futures.get_mut(&chan).filter(|f| f.pid == pid) {
                future.outcome = Some(outcome.clone());
                // The channel holds one value, and this is the only one it is given; a
                // closed channel refuses it, and the future keeps the outcome.
                let _ = st.channels.offer(chan, Slot::Outcome(outcome));
            }
        }
    }
    Ok(())
}

/// Completes the inline receive with `message` when it waits on the inbox and
/// `message` is the inbox's next (it routes there and nothing routed earlier waits):
/// the commonest delivery, without the queue, the router and the channel's offer.
/// Gives the message back otherwise.
fn hand_to_inbox_receiver(st: &mut ProcState, message: Message) -> Result<(), Message> {
    let Some((inbox, _)) = st.inbox else {
        return Err(message);
    };
    if !st.incoming.is_empty()
        || !st.channels.inline_waits_on(inbox)
        || st.router.route_of(&message.topic) != Some(Route::Inbox(inbox))
        || st.router.has_waiting_for(inbox)
    {
        return Err(message);
    }
    st.channels.complete(
        INLINE,
        Completion::Received(0, Slot::Message(message), true),
    );
    Ok(())
}

/// Arms the timers asked for in the last resume, and feeds those that fired: only the
/// timers whose soonest fire has come are looked at ([`Occasional::due`]), oldest first,
/// so that a process holding many timers (a timeout per request) pays nothing for them
/// at its other steps, and timers due together wake in the order they were asked for.
fn collect_timers(st: &mut Occasional, channels: &mut Channels, cx: &mut ProcessContext<'_, '_>) {
    if !st.timers_to_arm.is_empty() {
        // Before arming: the scheduler's own deadlines are then no sooner than these.
        let now = Instant::now();
        for token in std::mem::take(&mut st.timers_to_arm) {
            if let Some(slot) = st.timers.get_mut(&token) {
                slot.armed = Some(match slot.period {
                    Some(period) => cx.ticker(period),
                    None => cx.timer(slot.after),
                });
                slot.due = now.checked_add(slot.period.unwrap_or(slot.after));
                if let Some(due) = slot.due {
                    st.due.push(Reverse((due, token)));
                }
            }
        }
    }
    // Stale entries (stopped, reset or freed timers) go when they come due; a process
    // that drops many long timers early gets its heap rebuilt from the live ones.
    if st.due.len() > 64 && st.due.len() > 2 * st.timers.len() {
        st.due = st
            .timers
            .iter()
            .filter_map(|(token, slot)| slot.due.map(|due| Reverse((due, *token))))
            .collect();
    }
    let now = match st.due.peek() {
        Some(Reverse((first, _))) => {
            let now = Instant::now();
            if *first > now {
                return;
            }
            now
        }
        None => return,
    };
    // Timers due whose fire has not come yet (the scheduler's deadline is a little
    // later, or its thread is late): looked at again at the next step, which the fire
    // brings about.
    let mut again: smallvec::SmallVec<[(Instant, u64); 4]> = smallvec::SmallVec::new();
    while let Some(&Reverse((due, token))) = st.due.peek() {
        if due > now {
            break;
        }
        st.due.pop();
        let Some(slot) = st.timers.get_mut(&token) else {
            continue;
        };
        let Some(timer) = slot.armed.as_ref().filter(|_| slot.due == Some(due)) else {
            continue;
        };
        let ticks = if slot.period.is_some() {
            timer.take_ticks()
        } else {
            u32::from(timer.fired())
        };
        if ticks == 0 {
            again.push((due, token));
            continue;
        }
        match slot.target {
            TimerTarget::Op(op) => channels.complete(op, Completion::Woke),
            TimerTarget::Chan(chan) => {
                for _ in 0..ticks {
                    st.ticks.push((chan, slot.period.is_none()));
                }
            }
        }
        match slot.period {
            None => {
                st.timers.remove(&token);
            }
            Some(period) => {
                slot.due = period
                    .checked_mul(ticks)
                    .and_then(|ahead| due.checked_add(ahead));
                if let Some(next) = slot.due {
                    again.push((next, token));
                }
            }
        }
    }
    st.due.extend(again.into_iter().map(Reverse));
}

/// Ends the terminal reads still waiting with a `Canceled` error, when the process is
/// cancelled: a read would otherwise keep a cancelled process (the tutorial's client,
/// after Ctrl+C) until the shutdown deadline. What the stdin thread reads for them goes
/// to the next read.
fn cancel_reads(st: &mut ProcState) {
    if !st.terminal {
        // No terminal, no reads (and no state made for every process a shutdown
        // cancels).
        return;
    }
    let occasional = st.occasional.get_or_insert_default();
    let waiting = occasional.reads.len();
    occasional.reads.retain(|read| {
        if read.slot.abandon() {
            st.channels.complete(
                read.op,
                Completion::Read(crate::modules::io::cancelled_read()),
            );
            false
        } else {
            true
        }
    });
    // No read waited: the next one ends at once instead (`io::read_op`), unless the
    // process receives the CANCEL from `events()` first.
    occasional.unspent_cancel = occasional.reads.len() == waiting;
}

/// Completes the terminal reads that finished.
fn collect_reads(st: &mut Occasional, channels: &mut Channels) {
    let mut i = 0;
    while i < st.reads.len() {
        if let Some(result) = st.reads[i].slot.take() {
            let read = st.reads.swap_remove(i);
            channels.complete(read.op, Completion::Read(result));
        } else {
            i += 1;
        }
    }
}

/// Completes the spawns whose child booted or failed to (`boot_wait.rs`).
fn collect_starts(st: &mut Occasional, channels: &mut Channels) {
    let mut i = 0;
    while i < st.starts.len() {
        if let Some(started) = st.starts[i].wait.take() {
            let start = st.starts.swap_remove(i);
            let result = match started {
                super::boot_wait::Started::Yes => Ok(start.pid),
                super::boot_wait::Started::No(error) => Err(Box::new(error)),
            };
            channels.complete(start.op, Completion::Started(result));
        } else {
            i += 1;
        }
    }
}

/// Delivers the queued messages, events and timer ticks into their channels (what no
/// channel takes now stays queued, in order). Plain Rust: the values stay Rust values
/// ([`Slot::Message`], [`Slot::Event`], [`Slot::Tick`]) until a coroutine receives them.
pub(crate) fn deliver(st: &mut ProcState) {
    // Messages first: a process's messages reach the mailbox before its EXIT (or a
    // linked one's LINK_DOWN) is signalled, so those of this step are older than its
    // signalled events, and a select waiting on both takes the message (as the
    // original, whose mailbox hands them over in arrival order). An in-line event
    // (a CANCEL) goes between the messages it came between.
    if st
        .occasional
        .as_deref()
        .is_some_and(|o| !o.inline_events.is_empty())
    {
        deliver_inline_events(st);
    }
    route_incoming(st, usize::MAX);
    if st.router.waiting() > 0 {
        let ProcState {
            router,
            channels,
            feeds,
            pending_events,
            ..
        } = &mut *st;
        let oldest_event = oldest_numbered_event(pending_events);
        router.flush(&mut ChannelSink {
            channels,
            feeds,
            oldest_event,
        });
    }
    let fresh = fresh_events(st);
    let first_fresh = st.pending_events.len() - fresh;
    for (n, _) in st.pending_events.range_mut(first_fresh..) {
        *n = st.router.next_arrival();
    }
    offer_events(st, false);
    if let Some(occasional) = st.occasional.as_deref_mut().filter(|o| !o.ticks.is_empty()) {
        let now = SystemTime::now();
        for (chan, last) in std::mem::take(&mut occasional.ticks) {
            // A slow reader loses ticks (the channel holds 16).
            let _ = st.channels.offer(chan, Slot::Tick(now));
            if last {
                st.channels.close(chan);
            }
        }
    }
}

/// Queues this step's in-line events among its messages: each after the messages that
/// came before it (routed first), numbered in between, and offered to the `events()`
/// channel at once, so that a select waiting on both takes what came first.
#[cold]
#[inline(never)]
fn deliver_inline_events(st: &mut ProcState) {
    let inline = st
        .occasional
        .as_deref_mut()
        .map(|o| std::mem::take(&mut o.inline_events))
        .unwrap_or_default();
    let mut routed = 0;
    for (before, event) in inline {
        // `before` never decreases: the events were staged in arrival order.
        route_incoming(st, before.saturating_sub(routed));
        routed = routed.max(before);
        let n = st.router.next_arrival();
        let fresh_at = st.pending_events.len() - fresh_events(st);
        st.pending_events.insert(fresh_at, (n, event));
        offer_events(st, true);
    }
}

/// Routes up to `count` of the step's messages, oldest first.
#[inline]
fn route_incoming(st: &mut ProcState, count: usize) {
    let ProcState {
        incoming,
        router,
        channels,
        feeds,
        pending_events,
        ..
    } = &mut *st;
    let oldest_event = oldest_numbered_event(pending_events);
    let mut sink = ChannelSink {
        channels,
        feeds,
        oldest_event,
    };
    for _ in 0..count {
        let Some(message) = incoming.pop_front() else {
            break;
        };
        router.route(message, &mut sink);
    }
}

/// How many events at the back of `pending_events` are this step's signalled ones, not
/// numbered yet.
fn fresh_events(st: &ProcState) -> usize {
    st.pending_events
        .iter()
        .rev()
        .take_while(|(n, _)| *n == UNNUMBERED)
        .count()
}

/// Offers the queued events to the `events()` channel, oldest first, while it takes
/// them; with `numbered_only`, stops at the first one not numbered yet.
fn offer_events(st: &mut ProcState, numbered_only: bool) {
    let Some((events_chan, _)) = st.events else {
        return;
    };
    while st.channels.takes(events_chan) {
        if numbered_only
            && st
                .pending_events
                .front()
                .is_none_or(|(n, _)| *n == UNNUMBERED)
        {
            break;
        }
        let Some((n, event)) = st.pending_events.pop_front() else {
            break;
        };
        if let Err(back) = st.channels.offer(events_chan, Slot::Event(event)) {
            if let Slot::Event(event) = back {
                st.pending_events.push_front((n, event));
            }
            break;
        }
    }
}

/// Releases the values dropped from channel queues (run protected on the main thread,
/// only when one of them is a registry reference).
pub(crate) fn release_garbage(lua: Lua, st: &mut ProcState) {
    for slot in std::mem::take(&mut st.channels.garbage) {
        slot.release(lua);
    }
}

/// Takes the next value the feed of `chan` holds, if any, as a slot.
pub(crate) fn pull(st: &mut ProcState, chan: ChanId) -> Option<Slot> {
    match *st.feeds.get(&chan)? {
        Feed::Events => st.pending_events.pop_front().map(|(_, e)| Slot::Event(e)),
        Feed::Inbox | Feed::Listen { message: true } => {
            st.router.take_for(chan).map(|(_, m)| Slot::Message(m))
        }
        Feed::Listen { message: false } => st.router.take_for(chan).map(|(_, m)| Slot::Payloads(m)),
        Feed::Timer => None,
    }
}

/// `true` when `chan` is fed by the process's mail (the inbox, a `listen` or the
/// `events` channel).
pub(crate) fn is_feed(st: &ProcState, chan: ChanId) -> bool {
    st.inbox.is_some_and(|(inbox, _)| inbox == chan)
        || matches!(
            st.feeds.get(&chan),
            Some(Feed::Events | Feed::Inbox | Feed::Listen { .. })
        )
}

/// The arrival number of the next value the feed of `chan` holds (a waiting message or
/// event), if it holds one.
pub(crate) fn first_arrival(st: &ProcState, chan: ChanId) -> Option<u64> {
    if st.inbox.is_some_and(|(inbox, _)| inbox == chan) {
        return st.router.first_arrival_for(chan);
    }
    match st.feeds.get(&chan)? {
        Feed::Events => st.pending_events.front().map(|(n, _)| *n),
        Feed::Inbox | Feed::Listen { .. } => st.router.first_arrival_for(chan),
        Feed::Timer => None,
    }
}

/// `true` when the feed of `chan` holds a value.
pub(crate) fn has(st: &ProcState, chan: ChanId) -> bool {
    // The inbox, the commonest case, without the hash lookup.
    if st.inbox.is_some_and(|(inbox, _)| inbox == chan) {
        return st.router.has_waiting_for(chan);
    }
    match st.feeds.get(&chan) {
        Some(Feed::Events) => !st.pending_events.is_empty(),
        Some(Feed::Inbox | Feed::Listen { .. }) => st.router.has_waiting_for(chan),
        _ => false,
    }
}

/// The arrival number of the oldest event waiting for the `events()` channel, when it
/// has one (this step's signalled events are numbered after its messages).
fn oldest_numbered_event(pending: &std::collections::VecDeque<(u64, Event)>) -> Option<u64> {
    pending
        .front()
        .map(|(n, _)| *n)
        .filter(|&n| n != UNNUMBERED)
}

/// Delivers routed messages to process channels (only when the channel takes them now).
///
/// A message goes into a channel's buffer only when nothing older waits, in the router
/// or for the `events()` channel: a select takes a buffered value before any mail that
/// waits (`channel::oldest_feed`), which is arrival order only so. Otherwise it waits
/// in the router, numbered, for a receiver to pull it.
struct ChannelSink<'a> {
    channels: &'a mut super::channel::Channels,
    feeds: &'a rustc_hash::FxHashMap<ChanId, Feed>,
    /// See [`oldest_numbered_event`].
    oldest_event: Option<u64>,
}

impl Sink<ChanId> for ChannelSink<'_> {
    fn offer(
        &mut self,
        route: Route<ChanId>,
        message: Message,
        offer: Offer,
    ) -> Result<(), Message> {
        let chan = route.target();
        let slot = match self.feeds.get(&chan) {
            Some(Feed::Listen { message: false }) => Slot::Payloads(message),
            Some(_) => Slot::Message(message),
            None => return Err(message),
        };
        let older_event = self
            .oldest_event
            .is_some_and(|event| offer.arrival.is_none_or(|arrival| event < arrival));
        let may_buffer = !offer.older_waiting && !older_event;
        match self.channels.offer_with(chan, slot, may_buffer) {
            Ok(()) => Ok(()),
            Err(Slot::Message(message) | Slot::Payloads(message)) => Err(message),
            // `offer` gives back the slot it was given.
            Err(_) => Ok(()),
        }
    }
}
