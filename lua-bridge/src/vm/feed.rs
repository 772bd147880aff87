//! Values that reach a process's channels from outside its coroutines: routed messages
//! (inbox, listen) and lifecycle events, converted to Lua values when taken.

use super::channel::{ChanId, Feed};
use crate::modules::process::{LuaMessage, event_table};
use crate::value::from_payload;
use mlua::{Lua, Value};
use std::collections::{HashMap, VecDeque};
use wippy_runtime::message::{Event, Message};
use wippy_runtime::router::Router;

/// Converts a routed message for a channel of `feed` kind.
pub(crate) fn message_value(lua: &Lua, feed: Feed, message: Message) -> mlua::Result<Value> {
    match feed {
        Feed::Listen { message: false } => match message.payloads.len() {
            0 => Ok(Value::Nil),
            1 => from_payload(lua, &message.payloads[0]),
            _ => {
                let table = lua.create_table()?;
                for (i, p) in message.payloads.iter().enumerate() {
                    table.raw_set(i + 1, from_payload(lua, p)?)?;
                }
                Ok(Value::Table(table))
            }
        },
        _ => Ok(Value::UserData(lua.create_userdata(LuaMessage(message))?)),
    }
}

/// Takes the next value the feed of `chan` holds, if any.
pub(crate) fn pull(
    lua: &Lua,
    feeds: &HashMap<ChanId, Feed>,
    router: &mut Router<ChanId>,
    events: &mut VecDeque<Event>,
    chan: ChanId,
) -> Option<Value> {
    match feeds.get(&chan)? {
        Feed::Events => {
            let event = events.pop_front()?;
            event_table(lua, &event).ok().map(Value::Table)
        }
        feed @ (Feed::Inbox | Feed::Listen { .. }) => {
            let (_, message) = router.take_for(chan)?;
            message_value(lua, *feed, message).ok()
        }
        _ => None,
    }
}

/// `true` when the feed of `chan` holds a value.
pub(crate) fn has(
    feeds: &HashMap<ChanId, Feed>,
    router: &Router<ChanId>,
    events: &VecDeque<Event>,
    chan: ChanId,
) -> bool {
    match feeds.get(&chan) {
        Some(Feed::Events) => !events.is_empty(),
        Some(Feed::Inbox | Feed::Listen { .. }) => router.has_waiting_for(chan),
        _ => false,
    }
}
