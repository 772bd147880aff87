//! The `package` global, as the original's restricted one (`engine/loadlib`): `path`
//! and `cpath` are empty, `loadlib(name)` returns the message that loading is disabled
//! (nothing is loaded), and `seeall(module)` gives a module table the globals as its
//! `__index` (Lua 5.1's `package.seeall`). Modules come from `require` and the entry's
//! `modules:` (`vm/setup.rs`); there is no `loaded`, `preload` or searcher here.

use crate::vm::lua::{LResult, LUA_TTABLE, Lua, Raise, cfn};
use mlua::ffi;
use std::ffi::c_int;

/// Pushes a new `package` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(3)?;
    lua.new_table(0, 4);
    lua.push_fn(cfn(loadlib));
    lua.set_field(-2, c"loadlib");
    lua.push_fn(cfn(seeall));
    lua.set_field(-2, c"seeall");
    lua.push_str("");
    lua.set_field(-2, c"path");
    lua.push_str("");
    lua.set_field(-2, c"cpath");
    Ok(())
}

/// `package.loadlib(name, ...)`: the message `cannot load module '<name>': loadlib
/// disabled`, as the original's.
fn loadlib(lua: Lua) -> LResult<c_int> {
    let name = lua.check_string(1, "loadlib")?;
    lua.push_str(&format!("cannot load module '{name}': loadlib disabled"));
    Ok(1)
}

/// `package.seeall(module)`: the module table's metatable (made if it has none) gets
/// `__index = _G`.
fn seeall(lua: Lua) -> LResult<c_int> {
    if lua.kind(1) != LUA_TTABLE {
        return Err(Raise::from(format!(
            "bad argument #1 to 'seeall' (table expected, got {})",
            lua.type_name(1)
        )));
    }
    lua.ensure(3)?;
    // SAFETY: live state with room; a table at 1. Reads its metatable, or gives it a
    // new one.
    unsafe {
        if ffi::lua_getmetatable(lua.raw(), 1) == 0 {
            lua.new_table(0, 1);
            lua.push_value(-1);
            ffi::lua_setmetatable(lua.raw(), 1);
        } else {
            // A metatable the runtime hides (a module table's) is not the script's to
            // change, as `setmetatable` refuses it.
            lua.push_str("__metatable");
            if ffi::lua_rawget(lua.raw(), -2) != ffi::LUA_TNIL {
                return Err(Raise::from("cannot change a protected metatable"));
            }
            lua.pop(1);
        }
        ffi::lua_rawgeti(lua.raw(), ffi::LUA_REGISTRYINDEX, ffi::LUA_RIDX_GLOBALS);
    }
    lua.set_field(-2, c"__index");
    Ok(0)
}
