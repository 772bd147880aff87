//! The `process` global (reference §1.2): identity, sending, spawning, links, monitors,
//! cancel/terminate, options, the inbox/events/listen channels and the name registry.
//!
//! Every call acts through the process's own [`ProcessHandle`]; failures return
//! `nil, err` (`set_options` returns `false, err`).

use super::errors::{fail, new_error};
use super::payload::LuaPayload;
use crate::modules::channel::channel_userdata;
use crate::value::{from_payload, to_payload};
use crate::vm::{self, channel::Feed};
use mlua::{AnyUserData, Lua, Table, UserData, UserDataMethods, Value, Variadic};
use std::time::UNIX_EPOCH;
use wippy_runtime::message::{Event, Message, Outcome, Payloads, Topic};
use wippy_runtime::payload::ErrorKind;
use wippy_runtime::{Dest, RuntimeError, SpawnSpec};

/// A message from the inbox (or from `listen(t, {message = true})`).
#[derive(Debug)]
pub struct LuaMessage(pub Message);

impl UserData for LuaMessage {
    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_method("topic", |_, this, ()| Ok(this.0.topic.to_string()));
        methods.add_method("from", |_, this, ()| {
            Ok(this
                .0
                .from
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default())
        });
        methods.add_method("payload", |lua, this, ()| match this.0.payloads.len() {
            0 => Ok(Value::Nil),
            1 => Ok(Value::UserData(
                lua.create_userdata(LuaPayload::new(this.0.payloads[0].clone()))?,
            )),
            _ => {
                let list = lua.create_table()?;
                for (i, p) in this.0.payloads.iter().enumerate() {
                    list.raw_set(i + 1, LuaPayload::new(p.clone()))?;
                }
                Ok(Value::Table(list))
            }
        });
        methods.add_meta_method("__tostring", |_, this, ()| {
            Ok(format!("process.Message{{topic={}}}", this.0.topic))
        });
    }
}

/// An event as the plain table `events()` delivers.
pub(crate) fn event_table(lua: &Lua, event: &Event) -> mlua::Result<Table> {
    let table = lua.create_table()?;
    table.raw_set("kind", event.kind.topic())?;
    table.raw_set(
        "from",
        event
            .from
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    )?;
    let at = event
        .at
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    table.raw_set("at", at)?;
    if let Some(outcome) = &event.outcome {
        let result = lua.create_table()?;
        match outcome {
            Outcome::Normal(value) => result.raw_set("value", from_payload(lua, value)?)?,
            Outcome::Error(error) => {
                let error = new_error(lua, error.clone())?;
                result.raw_set("error", error.clone())?;
                table.raw_set("error", error)?;
            }
        }
        table.raw_set("result", result)?;
    }
    if let Some(reason) = &event.reason {
        table.raw_set("reason", reason.as_ref())?;
    }
    Ok(table)
}

fn runtime_error(lua: &Lua, error: RuntimeError) -> mlua::Result<(Value, Value)> {
    fail(lua, error.kind(), error.to_string())
}

fn ok_or_err(lua: &Lua, result: Result<(), RuntimeError>) -> mlua::Result<(Value, Value)> {
    match result {
        Ok(()) => Ok((Value::Boolean(true), Value::Nil)),
        Err(error) => runtime_error(lua, error),
    }
}

fn dest_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.to_string_lossy()),
        _ => None,
    }
}

fn handle(lua: &Lua) -> mlua::Result<wippy_runtime::process::ProcessHandle> {
    Ok(vm::state(lua)?.handle.clone())
}

fn payloads(
    values: impl IntoIterator<Item = Value>,
) -> Result<Payloads, wippy_runtime::payload::ErrorValue> {
    values
        .into_iter()
        .map(|v| to_payload(&v).map_err(|e| e.to_error_value()))
        .collect()
}

fn send(
    lua: &Lua,
    (dest, topic, rest): (Value, Value, Variadic<Value>),
) -> mlua::Result<(Value, Value)> {
    let Some(dest) = dest_text(&dest) else {
        return fail(
            lua,
            ErrorKind::Invalid,
            "process.send: destination must be a pid or a name",
        );
    };
    let Some(topic) = dest_text(&topic) else {
        return fail(
            lua,
            ErrorKind::Invalid,
            "process.send: topic must be a string",
        );
    };
    let payloads = match payloads(rest) {
        Ok(p) => p,
        Err(e) => return Ok((Value::Nil, new_error(lua, e)?)),
    };
    let handle = handle(lua)?;
    ok_or_err(
        lua,
        handle.send(Dest::Str(&dest), Topic::from(topic), payloads),
    )
}

fn spawn_with(
    lua: &Lua,
    args: (Value, Value, Variadic<Value>),
    link: bool,
    monitor: bool,
) -> mlua::Result<(Value, Value)> {
    let (entry, host, rest) = args;
    let (Some(entry), Some(host)) = (dest_text(&entry), dest_text(&host)) else {
        return fail(
            lua,
            ErrorKind::Invalid,
            "process.spawn: entry id and host id must be strings",
        );
    };
    let args = match payloads(rest) {
        Ok(p) => p,
        Err(e) => return Ok((Value::Nil, new_error(lua, e)?)),
    };
    let mut spec = SpawnSpec::new(entry, host).args(args);
    spec.link = link;
    spec.monitor = monitor;
    let handle = handle(lua)?;
    match handle.spawn(spec) {
        Ok(pid) => Ok((
            Value::String(lua.create_string(pid.to_string())?),
            Value::Nil,
        )),
        Err(error) => runtime_error(lua, error),
    }
}

fn dest_op(
    lua: &Lua,
    dest: Value,
    op: impl FnOnce(&wippy_runtime::process::ProcessHandle, Dest<'_>) -> Result<(), RuntimeError>,
) -> mlua::Result<(Value, Value)> {
    let Some(dest) = dest_text(&dest) else {
        return fail(
            lua,
            ErrorKind::Invalid,
            "destination must be a pid or a name",
        );
    };
    let handle = handle(lua)?;
    ok_or_err(lua, op(&handle, Dest::Str(&dest)))
}

/// The channel for a process feed, created on first use and the same afterwards.
fn feed_channel(lua: &Lua, feed: Feed, topic: Option<Topic>) -> mlua::Result<AnyUserData> {
    let mut st = vm::state(lua)?;
    let existing = match (&feed, &topic) {
        (Feed::Inbox, _) => st.inbox.clone(),
        (Feed::Events, _) => st.events.clone(),
        (_, Some(topic)) => st.listens.get(topic).cloned(),
        _ => None,
    };
    if let Some(ud) = existing {
        return Ok(ud);
    }
    let cap = if matches!(feed, Feed::Listen { .. }) {
        1
    } else {
        0
    };
    let id = st.channels.create(cap, feed);
    st.feeds.insert(id, feed);
    drop(st);
    let ud = channel_userdata(lua, id)?;
    let mut st = vm::state(lua)?;
    match (feed, topic) {
        (Feed::Inbox, _) => {
            st.inbox = Some(ud.clone());
            st.inbox_chan = Some(id);
            st.router.set_inbox(id);
        }
        (Feed::Events, _) => {
            st.events = Some(ud.clone());
            st.events_chan = Some(id);
        }
        (_, Some(topic)) => {
            st.listens.insert(topic.clone(), ud.clone());
            st.router.subscribe(topic, id);
        }
        _ => {}
    }
    Ok(ud)
}

fn listen(lua: &Lua, (topic, options): (String, Option<Table>)) -> mlua::Result<AnyUserData> {
    if topic.starts_with('@') {
        return Err(mlua::Error::runtime(format!(
            "process.listen: topic {topic:?} is reserved"
        )));
    }
    let message = match options {
        Some(options) => options.get::<Option<bool>>("message")?.unwrap_or(false),
        None => false,
    };
    feed_channel(lua, Feed::Listen { message }, Some(Topic::from(topic)))
}

fn unlisten(lua: &Lua, channel: AnyUserData) -> mlua::Result<()> {
    let id = channel.borrow::<super::channel::LuaChannel>()?.id;
    let mut st = vm::state(lua)?;
    if let Some(topic) = st.router.topic_of(id).cloned() {
        st.listens.remove(&topic);
        st.router.unsubscribe(id);
        st.feeds.remove(&id);
        st.channels.close(id);
    }
    Ok(())
}

fn options(lua: &Lua, _: ()) -> mlua::Result<Table> {
    let table = lua.create_table()?;
    table.raw_set("trap_links", handle(lua)?.trap_links())?;
    Ok(table)
}

fn set_options(lua: &Lua, options: Table) -> mlua::Result<(bool, Value)> {
    let handle = handle(lua)?;
    for pair in options.pairs::<Value, Value>() {
        let (key, value) = pair?;
        let key = match &key {
            Value::String(s) => s.to_string_lossy(),
            other => format!("{other:?}"),
        };
        match (key.as_str(), value) {
            ("trap_links", Value::Boolean(trap)) => handle.set_trap_links(trap),
            ("trap_links", _) => {
                let (_, err) = fail(
                    lua,
                    ErrorKind::Invalid,
                    "option trap_links must be a boolean",
                )?;
                return Ok((false, err));
            }
            (other, _) => {
                let (_, err) = fail(
                    lua,
                    ErrorKind::Invalid,
                    format!("option {other} is not supported"),
                )?;
                return Ok((false, err));
            }
        }
    }
    Ok((true, Value::Nil))
}

fn registry_table(lua: &Lua) -> mlua::Result<Table> {
    let registry = lua.create_table()?;
    registry.raw_set(
        "register",
        lua.create_function(|lua, (name, pid): (String, Option<String>)| {
            let handle = handle(lua)?;
            ok_or_err(lua, handle.register(&name, pid.as_deref().map(Dest::Str)))
        })?,
    )?;
    registry.raw_set(
        "lookup",
        lua.create_function(|lua, name: String| {
            let handle = handle(lua)?;
            match handle.runtime().lookup(&name) {
                Ok(pid) => Ok((
                    Value::String(lua.create_string(pid.to_string())?),
                    Value::Nil,
                )),
                Err(_) => fail(lua, ErrorKind::NotFound, "name not registered"),
            }
        })?,
    )?;
    registry.raw_set(
        "unregister",
        lua.create_function(|lua, name: String| Ok(handle(lua)?.runtime().unregister(&name)))?,
    )?;
    registry.raw_set("LOCAL", 0)?;
    registry.raw_set("EVENTUAL", 1)?;
    registry.raw_set("CONSISTENT", 2)?;
    registry.raw_set("STRONG", 3)?;
    Ok(registry)
}

/// The `process` global.
pub(crate) fn module(lua: &Lua) -> mlua::Result<Table> {
    let process = lua.create_table()?;
    process.raw_set(
        "pid",
        lua.create_function(|lua, ()| Ok(handle(lua)?.pid().to_string()))?,
    )?;
    process.raw_set(
        "id",
        lua.create_function(|lua, ()| match handle(lua)?.entry_id() {
            Some(id) => Ok((Value::String(lua.create_string(id.as_str())?), Value::Nil)),
            None => fail(lua, ErrorKind::NotFound, "process has no registry entry"),
        })?,
    )?;
    process.raw_set("send", lua.create_function(send)?)?;
    process.raw_set(
        "spawn",
        lua.create_function(|lua, a| spawn_with(lua, a, false, false))?,
    )?;
    process.raw_set(
        "spawn_monitored",
        lua.create_function(|lua, a| spawn_with(lua, a, false, true))?,
    )?;
    process.raw_set(
        "spawn_linked",
        lua.create_function(|lua, a| spawn_with(lua, a, true, false))?,
    )?;
    process.raw_set(
        "spawn_linked_monitored",
        lua.create_function(|lua, a| spawn_with(lua, a, true, true))?,
    )?;
    process.raw_set(
        "terminate",
        lua.create_function(|lua, dest: Value| dest_op(lua, dest, |h, d| h.terminate(d)))?,
    )?;
    process.raw_set(
        "cancel",
        lua.create_function(|lua, (dest, reason): (Value, Option<String>)| {
            let reason = reason.unwrap_or_else(|| "cancelled".to_owned());
            dest_op(lua, dest, |h, d| h.cancel(d, &reason))
        })?,
    )?;
    process.raw_set(
        "monitor",
        lua.create_function(|lua, dest: Value| dest_op(lua, dest, |h, d| h.monitor(d)))?,
    )?;
    process.raw_set(
        "unmonitor",
        lua.create_function(|lua, dest: Value| dest_op(lua, dest, |h, d| h.unmonitor(d)))?,
    )?;
    process.raw_set(
        "link",
        lua.create_function(|lua, dest: Value| dest_op(lua, dest, |h, d| h.link(d)))?,
    )?;
    process.raw_set(
        "unlink",
        lua.create_function(|lua, dest: Value| dest_op(lua, dest, |h, d| h.unlink(d)))?,
    )?;
    process.raw_set("get_options", lua.create_function(options)?)?;
    process.raw_set("set_options", lua.create_function(set_options)?)?;
    process.raw_set(
        "inbox",
        lua.create_function(|lua, ()| feed_channel(lua, Feed::Inbox, None))?,
    )?;
    process.raw_set(
        "events",
        lua.create_function(|lua, ()| feed_channel(lua, Feed::Events, None))?,
    )?;
    process.raw_set("listen", lua.create_function(listen)?)?;
    process.raw_set("unlisten", lua.create_function(unlisten)?)?;
    let event = lua.create_table()?;
    event.raw_set("CANCEL", "pid.cancel")?;
    event.raw_set("EXIT", "pid.exit")?;
    event.raw_set("LINK_DOWN", "pid.link.down")?;
    process.raw_set("event", event)?;
    process.raw_set("registry", registry_table(lua)?)?;
    Ok(process)
}
