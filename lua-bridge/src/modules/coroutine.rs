//! `coroutine.spawn(fn) -> thread` (reference §1.4): a concurrent coroutine inside the
//! process, run by the process driver next to `main`; it dies when `main` returns.
//!
//! As in the original, the new coroutine runs first: the call yields, the new coroutine
//! is queued, then the caller behind it, which gets the thread when its turn comes. Where
//! the caller cannot yield (a `coroutine.create` coroutine, a metamethod called from C),
//! the call returns the thread at once and the new coroutine runs at the caller's next
//! wait.

use crate::vm::channel::{Cases, Completion};
use crate::vm::lua::{LResult, LUA_TFUNCTION, Lua, Raise, Ret};
use crate::vm::ops::block;
use crate::vm::slot::Slot;
use crate::vm::state::{Co, state};
use mlua::ffi;

pub(crate) fn spawn(lua: Lua) -> LResult<Ret> {
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
    if st.current_thread != lua.raw() || !lua.yieldable() {
        return Ok(Ret::Values(1));
    }
    let result = Slot::hold(lua, -1);
    match block(lua, st, Cases::new(), None) {
        Ok(Ret::Block(op)) => {
            st.channels.complete(op, Completion::Value(result));
            Ok(Ret::Block(op))
        }
        other => {
            result.release(lua);
            other
        }
    }
}
