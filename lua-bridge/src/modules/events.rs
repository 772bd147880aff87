//! The `events` module (`modules: [events]`; R `runtime/lua/modules/events`): the
//! runtime's event bus (`wippy_runtime::Runtime::publish_event`).
//!
//! - `events.send(system, kind, path [, data])`: publishes the event to every matching
//!   subscriber (best effort, as the original); `true`, or nil and an error of kind
//!   `INVALID` for an empty system, kind or path, or data that cannot be copied.
//! - `events.subscribe(system [, kind])`: a `Subscription` whose `channel()` (the same on
//!   every call) receives each matching event as a table `{system, kind, path, data}`;
//!   `system` and `kind` are patterns (`*`, `prefix*` or exact). `close()` takes it off
//!   the bus and closes the channel (receivers get `nil, false`), and is true. An empty
//!   system is nil and an `INVALID` error. The subscription lasts until `close()` or the
//!   end of the process.
//!
//! Events reach the process as messages on a topic of its own that no process can send
//! on (`@events/<n>`), routed to the subscription's channel as a `process.listen`
//! channel's raw values are, so none is lost while the channel is not read.

use super::errors::fail;
use super::process::{detach, feed_channel};
use crate::modules::channel::channel_id;
use crate::value::to_payload;
use crate::vm::channel::{ChanId, Feed};
use crate::vm::lua::{CFn, LResult, Lua, Raise, UserType, cfn, method_index};
use crate::vm::state::state;
use std::ffi::c_int;
use wippy_runtime::payload::{ErrorKind, Payload};

/// Pushes the `events` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.push_function_table(&[(c"send", cfn(send)), (c"subscribe", cfn(subscribe))])
}

/// An `events.subscribe` subscription (user value 1: its channel).
#[derive(Debug, Clone, Copy)]
struct Subscription {
    chan: ChanId,
}

method_index!(fn subscription_index {
    b"channel" => cfn(subscription_channel),
    b"close" => cfn(subscription_close),
});

static SUBSCRIPTION: UserType<Subscription> =
    UserType::new(c"events.Subscription", Some(subscription_index as CFn), &[]);

fn send(lua: Lua) -> LResult<c_int> {
    let system = lua.check_string(1, "send")?;
    let kind = lua.check_string(2, "send")?;
    let path = lua.check_string(3, "send")?;
    for (value, what) in [(&system, "system"), (&kind, "kind"), (&path, "path")] {
        if value.is_empty() {
            return fail(lua, ErrorKind::Invalid, format!("{what} is required"));
        }
    }
    let data = if lua.is_nil(4) {
        Payload::Nil
    } else {
        match to_payload(lua, 4) {
            Ok(data) => data,
            Err(e) => return fail(lua, ErrorKind::Invalid, format!("events.send: {e}")),
        }
    };
    state(lua)?
        .handle
        .runtime()
        .publish_event(&system, &kind, &path, data);
    lua.push_bool(true);
    Ok(1)
}

fn subscribe(lua: Lua) -> LResult<c_int> {
    let system = lua.check_string(1, "subscribe")?;
    let kind = if lua.is_nil(2) {
        None
    } else {
        Some(lua.check_string(2, "subscribe")?)
    };
    if system.is_empty() {
        return fail(lua, ErrorKind::Invalid, "system pattern is required");
    }
    lua.ensure(4)?;
    let st = state(lua)?;
    let subscription =
        st.handle
            .runtime()
            .subscribe_events(st.handle.pid(), &system, kind.as_deref());
    feed_channel(
        lua,
        Feed::Listen { message: false },
        Some(subscription.topic().clone()),
    )?;
    let Some(chan) = channel_id(lua, -1) else {
        return Err(Raise::from("events.subscribe: no channel was made"));
    };
    // The handle before the process keeps the subscription: on a memory error,
    // `subscription` is dropped on the way out, which takes it off the bus (the feed
    // channel stays, charged to the process, until it ends).
    lua.protected(|lua| {
        lua.push_userdata_with(Subscription { chan }, &SUBSCRIPTION, 1);
        Ok(())
    })?;
    state(lua)?
        .occasional()
        .event_subscriptions
        .insert(chan, subscription);
    lua.insert(-2);
    lua.set_user_value(-2, 1);
    Ok(1)
}

fn this(lua: Lua) -> LResult<Subscription> {
    lua.userdata(1, &SUBSCRIPTION)
        .copied()
        .ok_or_else(|| lua.bad_self("events.Subscription", "sub"))
}

fn subscription_channel(lua: Lua) -> LResult<c_int> {
    this(lua)?;
    lua.push_user_value(1, 1);
    Ok(1)
}

/// `sub:close()`: off the bus, the channel closed; true (also when closed already).
fn subscription_close(lua: Lua) -> LResult<c_int> {
    let sub = this(lua)?;
    let st = state(lua)?;
    let subscribed = st
        .occasional
        .as_deref_mut()
        .and_then(|o| o.event_subscriptions.remove(&sub.chan));
    if subscribed.is_some() {
        drop(subscribed);
        lua.ensure(1)?;
        lua.push_user_value(1, 1);
        detach(lua, sub.chan, lua.top())?;
        lua.pop(1);
    }
    lua.push_bool(true);
    Ok(1)
}
