//! The field names of the tables the runtime builds for every select result and process
//! event (`channel`, `value`, `ok`; `kind`, `from`, `at`, `result`, `error`, `reason`),
//! interned once per VM and kept in fixed slots of the registry's array part.
//!
//! Setting a field by C-string name (`lua_setfield`) looks the name up in Lua's API string
//! cache (a `strcmp` against the cached string) on every call; a relay spends a dozen such
//! calls per echo. Pushing the interned string from its slot is one array read, and the
//! table store is then a raw set.
//!
//! # Ownership
//!
//! The slots are the registry integers from [`FIRST_SLOT`] to [`END_SLOT`] (exclusive),
//! right after `luaL_ref`'s free-list head (`LUA_RIDX_LAST + 1`), filled with `false` by
//! [`install`] when the VM is made, before any reference exists, so `luaL_ref` hands out
//! integers after them (and after the metatable slots of `meta_slots.rs`, which follow).
//! A slot gets its string at the first use of its name
//! ([`push_field_name`](Lua::push_field_name)): a process that never selects nor reads
//! an event (an idle worker) interns none of the nine, and its string table stays a size
//! smaller. Nothing else writes them: the VM reset (`setup::reset`) clears the
//! references and keeps these, which hold only `false` or immutable strings that any
//! process could make itself, so keeping them carries nothing of one process to the
//! next.

use super::lua::Lua;
use mlua::ffi;
use std::ffi::{CStr, c_int};

/// A field name with a slot of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Field {
    Channel,
    Value,
    Ok,
    Kind,
    From,
    At,
    Result,
    Error,
    Reason,
}

/// Every field, in slot order, with its name.
const FIELDS: [(Field, &CStr); 9] = [
    (Field::Channel, c"channel"),
    (Field::Value, c"value"),
    (Field::Ok, c"ok"),
    (Field::Kind, c"kind"),
    (Field::From, c"from"),
    (Field::At, c"at"),
    (Field::Result, c"result"),
    (Field::Error, c"error"),
    (Field::Reason, c"reason"),
];

/// `luaL_ref`'s free-list head: the registry integer just before the names.
pub(crate) const FREE_LIST_SLOT: ffi::lua_Integer = ffi::LUA_RIDX_LAST + 1;
/// The slot of the first name.
const FIRST_SLOT: ffi::lua_Integer = FREE_LIST_SLOT + 1;
/// One past the slot of the last name (the metatable slots of `meta_slots.rs` follow).
pub(crate) const END_SLOT: ffi::lua_Integer = FIRST_SLOT + FIELDS.len() as ffi::lua_Integer;

impl Field {
    fn slot(self) -> ffi::lua_Integer {
        FIRST_SLOT + ffi::lua_Integer::from(self as u8)
    }
}

/// Fills the slots of a new VM (run protected on its main thread, before any reference is
/// taken). Also starts `luaL_ref`'s free list empty, so the registry's array part has no
/// hole before the names.
pub(crate) fn install(lua: Lua) {
    lua.push_int(0);
    // SAFETY: live state in protected mode; the registry is a table, the value on top.
    unsafe { ffi::lua_rawseti(lua.raw(), ffi::LUA_REGISTRYINDEX, FREE_LIST_SLOT) };
    for (field, _) in FIELDS {
        debug_assert_eq!(field.slot(), FIRST_SLOT + (field as u8) as ffi::lua_Integer);
        lua.push_bool(false);
        // SAFETY: as above.
        unsafe { ffi::lua_rawseti(lua.raw(), ffi::LUA_REGISTRYINDEX, field.slot()) };
    }
}

impl Lua {
    /// Pushes the interned name of `field` (one registry array read; at the VM's first
    /// use of the name, it is interned and kept in its slot first). Uses one stack slot,
    /// as any push. May raise a memory error (interning allocates), like the table the
    /// name is for.
    pub(crate) fn push_field_name(self, field: Field) {
        // SAFETY: live state; `install` filled the slot when the VM was made (`false`,
        // or later the name's string) and nothing clears it.
        let kind = unsafe { ffi::lua_rawgeti(self.raw(), ffi::LUA_REGISTRYINDEX, field.slot()) };
        if kind != ffi::LUA_TSTRING {
            self.pop(1);
            self.push_cstr(FIELDS[field as usize].1);
            // SAFETY: live state; the registry is a table, the string on top (popped).
            unsafe { ffi::lua_rawseti(self.raw(), ffi::LUA_REGISTRYINDEX, field.slot()) };
            // SAFETY: as at the top; the slot now holds the string.
            unsafe { ffi::lua_rawgeti(self.raw(), ffi::LUA_REGISTRYINDEX, field.slot()) };
        }
    }

    /// Sets `t[name] = v` for the table at `idx`, with the name (pushed by
    /// [`push_field_name`](Self::push_field_name)) and then the value on top, both popped,
    /// as a raw set: for the tables the runtime has just made, which have no metatable.
    pub(crate) fn set_named(self, idx: c_int) {
        // SAFETY: live state; a table at `idx` (callers made it, below the two values),
        // the key and the value on top. A raw set runs no Lua code (it can raise a memory
        // error).
        unsafe { ffi::lua_rawset(self.raw(), idx) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_free_list_head_in_order() {
        for (i, (field, _)) in FIELDS.iter().enumerate() {
            assert_eq!(field.slot(), FIRST_SLOT + i as ffi::lua_Integer);
        }
        assert_eq!(FIRST_SLOT, FREE_LIST_SLOT + 1);
        assert_eq!(END_SLOT, FIRST_SLOT + FIELDS.len() as ffi::lua_Integer);
    }
}
