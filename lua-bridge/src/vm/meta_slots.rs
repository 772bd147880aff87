//! Fixed registry slots for the metatables of the userdata types a process makes on its
//! hot paths (every received message, payload, channel and select case).
//!
//! Other userdata metatables are kept in the registry under the address of their
//! `UserType` (a light-userdata key: a hash lookup per userdata made). A slot in the
//! registry's array part is one indexed read.
//!
//! # Ownership
//!
//! The slots are the registry integers from [`FIRST_SLOT`] (right after the field names
//! of `field_names.rs`) to [`END_SLOT`] (exclusive), which is where `luaL_ref` starts
//! handing out references. [`install`] fills them with `false` when the VM is made,
//! before any reference exists, so that the array part has no hole (`luaL_ref` takes the
//! border as its next reference); `Lua::push_metatable` replaces a `false` by the type's
//! metatable on first use. Nothing else writes them. The VM reset (`setup::reset`) keeps
//! them, like the metatables under light-userdata keys: a metatable is hidden from
//! scripts by `__metatable` and never changed after it is made.

use super::lua::Lua;
use mlua::ffi;

/// A userdata type with a metatable slot of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum MetaSlot {
    Message,
    Payload,
}

/// Every slot, in order.
const SLOTS: [MetaSlot; 2] = [MetaSlot::Message, MetaSlot::Payload];

/// The registry integer of the first slot.
const FIRST_SLOT: ffi::lua_Integer = super::field_names::END_SLOT;
/// One past the last slot: the first integer `luaL_ref` may hand out.
pub(crate) const END_SLOT: ffi::lua_Integer = FIRST_SLOT + SLOTS.len() as ffi::lua_Integer;

impl MetaSlot {
    /// The slot's registry integer.
    pub(crate) fn index(self) -> ffi::lua_Integer {
        FIRST_SLOT + ffi::lua_Integer::from(self as u8)
    }
}

/// Fills the slots of a new VM with `false` (run protected on its main thread, after
/// the field names and before any reference is taken).
pub(crate) fn install(lua: Lua) {
    for slot in SLOTS {
        lua.push_bool(false);
        // SAFETY: live state in protected mode; the registry is a table, the value on top.
        unsafe { ffi::lua_rawseti(lua.raw(), ffi::LUA_REGISTRYINDEX, slot.index()) };
    }
}

/// Whether registry integer `k` is one of these slots (for the debug check of a reset).
#[cfg(debug_assertions)]
pub(crate) fn is_slot(k: ffi::lua_Integer) -> bool {
    (FIRST_SLOT..END_SLOT).contains(&k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_field_names_in_order() {
        for (i, slot) in SLOTS.iter().enumerate() {
            assert_eq!(slot.index(), FIRST_SLOT + i as ffi::lua_Integer);
        }
        assert_eq!(END_SLOT, FIRST_SLOT + SLOTS.len() as ffi::lua_Integer);
    }
}
