//! Arithmetic on numeric strings (`"10" + 5`, `-"2"`), through the strings' metatable, as
//! Lua 5.4's own string library provides it (and as the original's Lua 5.1 core does).
//!
//! Lua 5.4 coerces strings in arithmetic only through the `__add`, `__sub`, ... fields of
//! the strings' metatable, which `luaopen_string` installs. This runtime gives strings
//! metatables of its own (`string_view.rs`: the lazy one, then each process's), so it
//! installs the same metamethods in them ([`install`]). Their behaviour is Lua's: both
//! operands converted with `lua_stringtonumber` and the operation done by `lua_arith`;
//! an operand that is no number and no numeric string gives the second operand's own
//! metamethod a chance, else Lua's error ("attempt to add a 'string' with a 'number'").
//!
//! The functions are raw C functions that own no Rust values: a Lua error (from
//! `lua_arith`, a metamethod, or the message) may jump over them.

use super::lua::Lua;
use mlua::ffi;
use std::ffi::{CStr, c_int};

/// The metamethods and the operation each performs.
const METAMETHODS: [(&CStr, ffi::lua_CFunction); 8] = [
    (c"__add", arith::<{ ffi::LUA_OPADD }>),
    (c"__sub", arith::<{ ffi::LUA_OPSUB }>),
    (c"__mul", arith::<{ ffi::LUA_OPMUL }>),
    (c"__mod", arith::<{ ffi::LUA_OPMOD }>),
    (c"__pow", arith::<{ ffi::LUA_OPPOW }>),
    (c"__div", arith::<{ ffi::LUA_OPDIV }>),
    (c"__idiv", arith::<{ ffi::LUA_OPIDIV }>),
    (c"__unm", arith::<{ ffi::LUA_OPUNM }>),
];

/// How many fields [`install`] adds (for sizing the metatable).
pub(crate) const FIELDS: c_int = METAMETHODS.len() as c_int;

/// Sets the arithmetic metamethods in the table at `meta`. Needs room for one value.
pub(crate) fn install(lua: Lua, meta: c_int) {
    let meta = lua.abs(meta);
    for (name, f) in METAMETHODS {
        lua.push_fn(f);
        lua.set_field(meta, name);
    }
}

/// The metamethod's name for `OP`.
const fn name_of(op: c_int) -> &'static CStr {
    match op {
        ffi::LUA_OPADD => c"__add",
        ffi::LUA_OPSUB => c"__sub",
        ffi::LUA_OPMUL => c"__mul",
        ffi::LUA_OPMOD => c"__mod",
        ffi::LUA_OPPOW => c"__pow",
        ffi::LUA_OPDIV => c"__div",
        ffi::LUA_OPIDIV => c"__idiv",
        _ => c"__unm",
    }
}

/// Pushes argument `arg` as a number if it is one or a numeric string; `false` (nothing
/// pushed) otherwise.
///
/// # Safety
///
/// `l` is the live thread of a running C call with room for one value.
unsafe fn to_number(l: *mut ffi::lua_State, arg: c_int) -> bool {
    // SAFETY: guaranteed by the caller; `lua_tolstring` is only called on a string (no
    // conversion in place), and `lua_stringtonumber` pushes the number when it converts
    // the whole string (its result is then the length plus one).
    unsafe {
        match ffi::lua_type(l, arg) {
            ffi::LUA_TNUMBER => {
                ffi::lua_pushvalue(l, arg);
                true
            }
            ffi::LUA_TSTRING => {
                let mut len = 0;
                let s = ffi::lua_tolstring(l, arg, &mut len);
                !s.is_null() && ffi::lua_stringtonumber(l, s) == len + 1
            }
            _ => false,
        }
    }
}

/// The metamethod for operation `OP` (Lua calls it with the two operands; for `__unm`,
/// the operand twice).
unsafe extern "C-unwind" fn arith<const OP: c_int>(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua with its two arguments and room for LUA_MINSTACK values.
    // `lua_arith` pops the operands it takes and pushes the result; `lua_callk` calls
    // the second operand's own metamethod with both arguments.
    unsafe {
        ffi::lua_settop(l, 2);
        if to_number(l, 1) && to_number(l, 2) {
            ffi::lua_arith(l, OP);
            return 1;
        }
        ffi::lua_settop(l, 2);
        if ffi::lua_type(l, 2) != ffi::LUA_TSTRING
            && ffi::luaL_getmetafield(l, 2, name_of(OP).as_ptr()) != ffi::LUA_TNIL
        {
            ffi::lua_rotate(l, -3, 1);
            ffi::lua_callk(l, 2, 1, 0, None);
            return 1;
        }
        // Lua's own words: "attempt to add a 'string' with a 'number'".
        ffi::luaL_error(
            l,
            c"attempt to %s a '%s' with a '%s'".as_ptr(),
            name_of(OP).as_ptr().add(2),
            ffi::lua_typename(l, ffi::lua_type(l, 1)),
            ffi::lua_typename(l, ffi::lua_type(l, 2)),
        )
    }
}
