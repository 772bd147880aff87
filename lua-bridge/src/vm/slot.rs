//! [`Slot`]: a Lua value held on the Rust side of a process (in a channel buffer or a
//! blocked send) without a borrow of the VM.
//!
//! Numbers, booleans and nil are kept as they are; anything else is anchored in the
//! registry of the VM it came from and released when the slot is pushed back (or
//! [`release`](Slot::release)d). A slot is only ever pushed into the VM it came from.

use super::lua::{LUA_TBOOLEAN, LUA_TNIL, LUA_TNONE, LUA_TNUMBER, Lua};
use std::ffi::c_int;

#[derive(Debug)]
pub(crate) enum Slot {
    Nil,
    Bool(bool),
    Int(i64),
    Number(f64),
    /// A registry reference.
    Ref(c_int),
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

    /// Pops the top value into a slot.
    pub(crate) fn pop(lua: Lua) -> Slot {
        let slot = Slot::hold(lua, -1);
        lua.pop(1);
        slot
    }

    /// Pushes the value and releases the slot.
    pub(crate) fn push(self, lua: Lua) {
        match self {
            Slot::Nil => lua.push_nil(),
            Slot::Bool(b) => lua.push_bool(b),
            Slot::Int(i) => lua.push_int(i),
            Slot::Number(n) => lua.push_number(n),
            Slot::Ref(r) => {
                lua.push_ref(r);
                lua.unref(r);
            }
        }
    }

    /// Drops the value.
    pub(crate) fn release(self, lua: Lua) {
        if let Slot::Ref(r) = self {
            lua.unref(r);
        }
    }
}
