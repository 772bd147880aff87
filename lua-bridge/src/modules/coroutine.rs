//! `coroutine.spawn(fn) -> thread` (reference §1.4): a concurrent coroutine inside the
//! process, run by the process driver next to `main`; it dies when `main` returns.

use crate::vm::lua::{LResult, LUA_TFUNCTION, Lua, Raise};
use crate::vm::state::{Co, state};
use mlua::ffi;
use std::ffi::c_int;

pub(crate) fn spawn(lua: Lua) -> LResult<c_int> {
    if lua.kind(1) != LUA_TFUNCTION {
        return Err(Raise::from(format!(
            "bad argument #1 to 'spawn' (function expected, got {})",
            lua.type_name(1)
        )));
    }
    let st = state(lua)?;
    lua.ensure(3)?;
    // SAFETY: live state; pushes a new thread of the same VM.
    let thread = unsafe { ffi::lua_newthread(lua.raw()) };
    lua.push_value(1);
    // SAFETY: both threads belong to this VM; moves the function onto the new one.
    unsafe { ffi::lua_xmove(lua.raw(), thread, 1) };
    lua.push_value(-1);
    let anchor = lua.new_ref();
    st.spawned.push(Co {
        thread,
        anchor: Some(anchor),
        blocked: None,
    });
    Ok(1)
}
