//! The `channel` global (reference §1.3): `channel.new`, `ch:send`, `ch:receive`,
//! `ch:close`, `ch:case_send`, `ch:case_receive` and `channel.select`.
//!
//! Channels live in their process ([`Channels`](crate::vm::channel::Channels)); the Lua
//! value is a userdata naming one by index, and the same userdata is handed out for the
//! same process channel (`inbox()`, `events()`, `listen(t)`), so `==` identifies it.

use crate::vm::channel::{Attempt, Case, ChanId, Completion, Feed, Op};
use crate::vm::{self, feed, state::ProcState};
use mlua::{AnyUserData, Lua, Table, UserData, UserDataFields, UserDataMethods, Value};
use smallvec::SmallVec;

/// A channel as Lua sees it.
#[derive(Debug, Clone, Copy)]
pub struct LuaChannel {
    pub(crate) id: ChanId,
}

impl UserData for LuaChannel {
    fn add_fields<F: UserDataFields<Self>>(fields: &mut F) {
        // The blocking methods are Lua closures (see vm/prelude.lua); mlua adds the Rust
        // methods below into this same table.
        // Built by `channel_userdata` before the first channel exists (calling into
        // Lua while mlua registers the type is not allowed).
        fields.add_meta_field_with("__index", |lua| {
            lua.named_registry_value::<Table>("wippy.channel.methods")
        });
    }

    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_function("case_receive", |lua, this: AnyUserData| {
            let id = this.borrow::<LuaChannel>()?.id;
            lua.create_userdata(LuaCase {
                case: Case::Recv(id),
                chan: this,
            })
        });
        methods.add_function("case_send", |lua, (this, value): (AnyUserData, Value)| {
            let id = this.borrow::<LuaChannel>()?.id;
            lua.create_userdata(LuaCase {
                case: Case::Send(id, value),
                chan: this,
            })
        });
        methods.add_method("close", |lua, this, ()| {
            vm::state(lua)?.channels.close(this.id);
            Ok(())
        });
        methods.add_meta_method("__tostring", |_, this, ()| {
            Ok(format!("channel({})", this.id))
        });
    }
}

/// One case of a `channel.select`.
#[derive(Debug)]
pub struct LuaCase {
    pub(crate) case: Case,
    pub(crate) chan: AnyUserData,
}

impl UserData for LuaCase {}

/// A new channel userdata for `chan`.
pub(crate) fn channel_userdata(lua: &Lua, id: ChanId) -> mlua::Result<AnyUserData> {
    methods_table(lua)?;
    lua.create_userdata(LuaChannel { id })
}

type Answer = (Value, Value, Value);

/// Runs a receive, send or select: answers at once if a case is ready (first in order),
/// else the default, else registers the wait.
fn run_cases(
    lua: &Lua,
    cases: Vec<(Case, AnyUserData)>,
    default: bool,
    select: bool,
) -> mlua::Result<Answer> {
    let mut guard = vm::state(lua)?;
    let ProcState {
        channels,
        router,
        pending_events,
        feeds,
        current,
        ..
    } = &mut *guard;
    for (index, (case, chan)) in cases.iter().enumerate() {
        let ready = channels.ready(case, &mut |c| feed::has(feeds, router, pending_events, c));
        if !ready {
            continue;
        }
        let attempt = channels.attempt(case, &mut |c| {
            feed::pull(lua, feeds, router, pending_events, c)
        });
        let completion = match attempt {
            Attempt::Received(value, ok) => Completion::Received(index, value, ok),
            Attempt::Sent(value) => Completion::Sent(index, value),
            Attempt::SendClosed => Completion::SendClosed,
            Attempt::NotReady => continue,
        };
        drop(guard);
        let uds = if select {
            Some(std::slice::from_ref(chan))
        } else {
            None
        };
        return answer(
            lua,
            completion,
            uds.map(|_| cases.iter().map(|c| c.1.clone()).collect()),
        );
    }
    if default {
        let table = lua.create_table()?;
        table.raw_set("default", true)?;
        table.raw_set("ok", true)?;
        return Ok((Value::Boolean(true), Value::Table(table), Value::Nil));
    }
    let uds: Option<SmallVec<[AnyUserData; 4]>> =
        select.then(|| cases.iter().map(|c| c.1.clone()).collect());
    let plain: SmallVec<[Case; 4]> = cases.into_iter().map(|c| c.0).collect();
    let op = channels.block(*current, &plain, uds);
    Ok((vm::wait_tag(), Value::Integer(op as i64), Value::Nil))
}

/// The Lua answer for a completed case: `(true, value, ok)` for a receive, `(true, true)`
/// for a send, `(true, {channel, value, ok})` for a select, `(RAISE, msg)` for a send on
/// a closed channel.
pub(crate) fn answer(
    lua: &Lua,
    completion: Completion,
    select: Option<SmallVec<[AnyUserData; 4]>>,
) -> mlua::Result<Answer> {
    let (index, value, ok) = match completion {
        Completion::SendClosed => {
            return Ok((
                vm::raise_tag(),
                Value::String(lua.create_string("send on closed channel")?),
                Value::Nil,
            ));
        }
        Completion::Received(index, value, ok) => (index, value, ok),
        Completion::Sent(index, value) => {
            if select.is_none() {
                return Ok((Value::Boolean(true), Value::Boolean(true), Value::Nil));
            }
            (index, value, true)
        }
    };
    match select {
        None => Ok((Value::Boolean(true), value, Value::Boolean(ok))),
        Some(uds) => {
            let table = lua.create_table()?;
            if let Some(chan) = uds.get(index) {
                table.raw_set("channel", chan.clone())?;
            }
            table.raw_set("value", value)?;
            table.raw_set("ok", ok)?;
            Ok((Value::Boolean(true), Value::Table(table), Value::Nil))
        }
    }
}

/// The answer of a completed op, when its coroutine resumes.
pub(crate) fn op_answer(lua: &Lua, op: Op) -> mlua::Result<Answer> {
    match op.done {
        Some(completion) => answer(lua, completion, op.select),
        None => Ok((Value::Boolean(true), Value::Nil, Value::Boolean(false))),
    }
}

fn receive_try(lua: &Lua, this: AnyUserData) -> mlua::Result<Answer> {
    let id = this.borrow::<LuaChannel>()?.id;
    run_cases(lua, vec![(Case::Recv(id), this)], false, false)
}

fn send_try(lua: &Lua, (this, value): (AnyUserData, Value)) -> mlua::Result<Answer> {
    let id = this.borrow::<LuaChannel>()?.id;
    run_cases(lua, vec![(Case::Send(id, value), this)], false, false)
}

fn select_try(lua: &Lua, (cases, default): (Table, Option<bool>)) -> mlua::Result<Answer> {
    let mut list = Vec::new();
    for value in cases.sequence_values::<Value>() {
        match value? {
            Value::UserData(ud) => {
                let case = ud.borrow::<LuaCase>().map_err(|_| {
                    mlua::Error::runtime(
                        "channel.select: every case must come from case_receive or case_send",
                    )
                })?;
                list.push((case.case.clone(), case.chan.clone()));
            }
            _ => {
                return Err(mlua::Error::runtime(
                    "channel.select: every case must come from case_receive or case_send",
                ));
            }
        }
    }
    let default =
        default.unwrap_or(false) || cases.raw_get::<Option<bool>>("default")?.unwrap_or(false);
    if list.is_empty() && !default {
        return Err(mlua::Error::runtime("channel.select: no cases"));
    }
    run_cases(lua, list, default, true)
}

/// The table behind every channel's `__index`: the blocking `receive` and `send`
/// (the Rust methods are added to it by mlua).
fn methods_table(lua: &Lua) -> mlua::Result<Table> {
    if let Ok(methods) = lua.named_registry_value::<Table>("wippy.channel.methods") {
        return Ok(methods);
    }
    let wrap = vm::blocking_wrapper(lua)?;
    let methods = lua.create_table()?;
    methods.raw_set(
        "receive",
        wrap.call::<mlua::Function>(lua.create_function(receive_try)?)?,
    )?;
    methods.raw_set(
        "send",
        wrap.call::<mlua::Function>(lua.create_function(send_try)?)?,
    )?;
    lua.set_named_registry_value("wippy.channel.methods", methods.clone())?;
    Ok(methods)
}

/// The `channel` global.
pub(crate) fn module(lua: &Lua) -> mlua::Result<Table> {
    let wrap = vm::blocking_wrapper(lua)?;
    let module = lua.create_table()?;
    module.raw_set(
        "new",
        lua.create_function(|lua, size: Option<i64>| {
            let size = usize::try_from(size.unwrap_or(0))
                .map_err(|_| mlua::Error::runtime("channel.new: size must not be negative"))?;
            let id = vm::state(lua)?.channels.create(size, Feed::User);
            channel_userdata(lua, id)
        })?,
    )?;
    module.raw_set(
        "select",
        wrap.call::<mlua::Function>(lua.create_function(select_try)?)?,
    )?;
    Ok(module)
}
