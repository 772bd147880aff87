//! Values that reach a process's channels from outside its coroutines: routed messages
//! (inbox, listen), lifecycle events, fired timers and terminal reads.
//!
//! [`collect`] takes them from the process context (plain Rust, every step);
//! [`deliver`] turns the ones that need Lua values into slots and offers them to their
//! channels (run protected, and only when there is something to deliver).

use super::channel::{ChanId, Completion, Feed};
use super::lua::{LResult, Lua};
use super::slot::Slot;
use super::state::{ProcState, TimerTarget};
use crate::modules::process::{message_at, push_event, push_message};
use std::ffi::c_int;
use wippy_runtime::message::Message;
use wippy_runtime::process::ProcessContext;
use wippy_runtime::router::{Route, Sink};

/// Moves what arrived into the state: events and messages into queues, armed timers,
/// fired sleeps and finished reads straight into completions. Returns `true` when
/// [`deliver`] has work.
pub(crate) fn collect(st: &mut ProcState, cx: &mut ProcessContext<'_, '_>) -> bool {
    while let Some(event) = cx.recv_event() {
        st.pending_events.push_back(event);
    }
    while let Some(message) = cx.recv_message() {
        st.incoming.push_back(message);
    }
    for token in std::mem::take(&mut st.timers_to_arm) {
        if let Some(slot) = st.timers.get_mut(&token) {
            slot.armed = Some(match slot.period {
                Some(period) => cx.ticker(period),
                None => cx.timer(slot.after),
            });
        }
    }
    let mut finished = Vec::new();
    for (token, slot) in &st.timers {
        let Some(timer) = &slot.armed else { continue };
        let ticks = if slot.period.is_some() {
            timer.take_ticks()
        } else {
            u32::from(timer.fired())
        };
        if ticks == 0 {
            continue;
        }
        match slot.target {
            TimerTarget::Op(op) => st.channels.complete(op, Completion::Woke),
            TimerTarget::Chan(chan) => {
                for _ in 0..ticks {
                    st.ticks.push(chan);
                }
            }
        }
        if slot.period.is_none() {
            finished.push(*token);
        }
    }
    for token in finished {
        st.timers.remove(&token);
    }
    let mut i = 0;
    while i < st.reads.len() {
        if let Some(result) = st.reads[i].slot.take() {
            let read = st.reads.swap_remove(i);
            st.channels.complete(read.op, Completion::Read(result));
        } else {
            i += 1;
        }
    }
    !st.incoming.is_empty()
        || (st.events.is_some() && !st.pending_events.is_empty())
        || !st.ticks.is_empty()
        || !st.channels.garbage.is_empty()
}

/// Delivers the queued messages, events and timer ticks into their channels (what no
/// channel takes now stays queued, in order).
pub(crate) fn deliver(lua: Lua, st: &mut ProcState) -> LResult<c_int> {
    lua.ensure(8)?;
    for slot in std::mem::take(&mut st.channels.garbage) {
        slot.release(lua);
    }
    if let Some((events_chan, _)) = st.events {
        while st.channels.takes(events_chan) {
            let Some(event) = st.pending_events.pop_front() else {
                break;
            };
            push_event(lua, &event)?;
            if let Err(back) = st.channels.offer(events_chan, Slot::pop(lua)) {
                back.release(lua);
                st.pending_events.push_front(event);
                break;
            }
        }
    }
    for chan in std::mem::take(&mut st.ticks) {
        crate::modules::time::push_now(lua);
        // A slow reader loses ticks (the channel holds 16).
        if let Err(back) = st.channels.offer(chan, Slot::pop(lua)) {
            back.release(lua);
        }
    }
    let ProcState {
        incoming,
        router,
        channels,
        feeds,
        ..
    } = st;
    let mut sink = ChannelSink {
        lua,
        channels,
        feeds,
    };
    while let Some(message) = incoming.pop_front() {
        router.route(message, &mut sink);
    }
    if router.waiting() > 0 {
        router.flush(&mut sink);
    }
    Ok(0)
}

/// Pushes what a raw `listen` channel delivers of `message`: its payload, a table of
/// its payloads, or nil.
fn push_payloads(lua: Lua, message: &Message) -> LResult<()> {
    match message.payloads.len() {
        0 => lua.push_nil(),
        1 => crate::value::push_payload(lua, &message.payloads[0])?,
        n => {
            lua.new_table(c_int::try_from(n).unwrap_or(0), 0);
            for (i, p) in (1..).zip(message.payloads.iter()) {
                crate::value::push_payload(lua, p)?;
                lua.set_index(-2, i);
            }
        }
    }
    Ok(())
}

/// Takes the next value the feed of `chan` holds, if any, as a slot.
pub(crate) fn pull(lua: Lua, st: &mut ProcState, chan: ChanId) -> Option<Slot> {
    match *st.feeds.get(&chan)? {
        Feed::Events => {
            let event = st.pending_events.pop_front()?;
            push_event(lua, &event).ok()?;
            Some(Slot::pop(lua))
        }
        feed @ (Feed::Inbox | Feed::Listen { .. }) => {
            let (_, message) = st.router.take_for(chan)?;
            match feed {
                Feed::Listen { message: false } => push_payloads(lua, &message).ok()?,
                _ => push_message(lua, message),
            }
            Some(Slot::pop(lua))
        }
        Feed::Timer => None,
    }
}

/// `true` when the feed of `chan` holds a value.
pub(crate) fn has(st: &ProcState, chan: ChanId) -> bool {
    match st.feeds.get(&chan) {
        Some(Feed::Events) => !st.pending_events.is_empty(),
        Some(Feed::Inbox | Feed::Listen { .. }) => st.router.has_waiting_for(chan),
        _ => false,
    }
}

/// Delivers routed messages to process channels (only when the channel takes them now).
struct ChannelSink<'a> {
    lua: Lua,
    channels: &'a mut super::channel::Channels,
    feeds: &'a rustc_hash::FxHashMap<ChanId, Feed>,
}

impl Sink<ChanId> for ChannelSink<'_> {
    fn offer(&mut self, route: Route<ChanId>, message: Message) -> Result<(), Message> {
        let chan = route.target();
        let Some(feed) = self.feeds.get(&chan).copied() else {
            return Err(message);
        };
        if !self.channels.takes(chan) {
            return Err(message);
        }
        // A message channel takes the message itself (moved into its userdata); a raw
        // listen channel takes copies of the payloads, and the message stays here.
        let kept = match feed {
            Feed::Listen { message: false } => {
                if push_payloads(self.lua, &message).is_err() {
                    return Err(message);
                }
                Some(message)
            }
            _ => {
                push_message(self.lua, message);
                None
            }
        };
        match self.channels.offer(chan, Slot::pop(self.lua)) {
            Ok(()) => Ok(()),
            Err(back) => {
                // `takes` said yes and the pushes above run no Lua code, so the channel
                // does not refuse; if it ever did, the message goes back to the router.
                back.push(self.lua);
                let message = kept.or_else(|| message_at(self.lua, -1));
                self.lua.pop(1);
                message.map_or(Ok(()), Err)
            }
        }
    }
}
