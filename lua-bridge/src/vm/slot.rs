//! [`Slot`]: a value held on the Rust side of a process (in a channel buffer, a blocked
//! send or a completed receive) without a borrow of the VM.
//!
//! Numbers, booleans and nil are kept as they are. A Lua value of any other kind is
//! anchored in the registry of the VM it came from and released when the slot is pushed
//! back (or [`release`](Slot::release)d); such a slot is only ever pushed into that VM.
//! What the process's feeds deliver (a routed message, an event, a timer tick) stays a
//! Rust value until a coroutine receives it: delivering needs no Lua call, and the Lua
//! object is built by the receiving call itself, which may raise (out of memory).

use super::lua::{LResult, LUA_TBOOLEAN, LUA_TNIL, LUA_TNONE, LUA_TNUMBER, Lua};
use std::ffi::c_int;
use std::time::SystemTime;
use wippy_runtime::message::{Event, Message, Outcome};

#[derive(Debug)]
pub(crate) enum Slot {
    Nil,
    Bool(bool),
    Int(i64),
    Number(f64),
    /// A registry reference.
    Ref(c_int),
    /// A routed message, received as a Message object.
    Message(Message),
    /// A routed message, received as its payloads (a raw `listen` channel).
    Payloads(Message),
    /// A lifecycle event, received as an event table.
    Event(Event),
    /// A timer tick, received as the time it was delivered.
    Tick(SystemTime),
    /// How a `funcs.async` function ended: its value as a payload object, or its error.
    Outcome(Outcome),
}

impl Slot {
    /// Holds the value at `idx` (the stack is unchanged).
    pub(crate) fn hold(lua: Lua, idx: c_int) -> Slot {
        match lua.kind(idx) {
            LUA_TNIL | LUA_TNONE => Slot::Nil,
            LUA_TBOOLEAN => Slot::Bool(lua.truthy(idx)),
            LUA_TNUMBER => match lua.int(idx) {
                Some(i) => Slot::Int(i),
                None => Slot::Number(lua.number(idx).unwrap_or(0.0)),
            },
            _ => {
                lua.push_value(idx);
                Slot::Ref(lua.new_ref())
            }
        }
    }

    /// Pushes the value and releases the slot. Only in a bound function's C call frame
    /// (a receive, or a blocking call's continuation): building a message or an event
    /// counts on its room (`Lua::ensure_in_call`).
    ///
    /// # Errors
    ///
    /// Building the Lua value of a message or event failed (out of memory, or a payload
    /// nested too deeply).
    pub(crate) fn push(self, lua: Lua) -> LResult<()> {
        match self {
            Slot::Nil => lua.push_nil(),
            Slot::Bool(b) => lua.push_bool(b),
            Slot::Int(i) => lua.push_int(i),
            Slot::Number(n) => lua.push_number(n),
            Slot::Ref(r) => {
                lua.push_ref(r);
                lua.unref(r);
            }
            Slot::Message(message) => crate::modules::process::push_message(lua, message)?,
            Slot::Payloads(message) => crate::modules::process::push_payloads(lua, &message)?,
            Slot::Event(event) => {
                if event.kind == wippy_runtime::message::EventKind::Cancel {
                    // Received: the process handles this CANCEL itself, and its next
                    // terminal read reads (`io::read_op`).
                    if let Some(o) = crate::vm::state::state(lua)?.occasional.as_deref_mut() {
                        o.unspent_cancel = false;
                    }
                }
                crate::modules::process::push_event(lua, &event)?;
            }
            Slot::Tick(at) => crate::modules::time::push_time(lua, at),
            Slot::Outcome(outcome) => crate::modules::funcs::push_outcome(lua, outcome)?,
        }
        Ok(())
    }

    /// Drops the value.
    pub(crate) fn release(self, lua: Lua) {
        if let Slot::Ref(r) = self {
            lua.unref(r);
        }
    }

    /// `true` when releasing the slot needs the VM (a registry reference).
    pub(crate) fn needs_release(&self) -> bool {
        matches!(self, Slot::Ref(_))
    }
}
