//! The `coroutine` library of a process: Lua's, with `coroutine.spawn(fn) -> thread`
//! (reference §1.4), a concurrent coroutine inside the process, run by the process driver
//! next to `main`; it dies when `main` returns.
//!
//! The coroutines the driver runs (`main` and the spawned ones) are the driver's: Lua's
//! `coroutine.resume` and `coroutine.close` refuse them (`false, msg`, and an error),
//! since resuming one while it waits would take it out of its wait and lose what the
//! wait was for. The script's own coroutines (`create`, `wrap`) start without the
//! preemption hook a new Lua thread inherits from the thread that made it: that hook
//! yields the process's coroutine when its slice has expired, and in a coroutine of
//! the script's it would yield to the script's own `resume` instead, with no values.
//! (While such a coroutine runs, the process is preempted only once it is back in one
//! of the driver's.)
//!
//! As in the original, the new coroutine runs first: the call yields, the new coroutine
//! is queued, then the caller behind it, which gets the thread when its turn comes. Where
//! the caller cannot yield (a `coroutine.create` coroutine, a metamethod called from C),
//! the call returns the thread at once and the new coroutine runs at the caller's next
//! wait.

use crate::vm::channel::{Cases, Completion};
use crate::vm::lua::{LResult, LUA_TFUNCTION, Lua, Raise, Ret, blocking, cfn};
use crate::vm::ops::block;
use crate::vm::slot::Slot;
use crate::vm::state::{Co, state};
use mlua::ffi;
use std::ffi::c_int;

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

/// Opens `coroutine` (pushes it): Lua's library, with `spawn`, and with `create`, `wrap`,
/// `resume` and `close` guarded as the module docs say.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(4)?;
    lua.push_fn(ffi::luaopen_coroutine);
    // SAFETY: live state inside a Lua call; the opener takes nothing and returns the table.
    unsafe { ffi::lua_callk(lua.raw(), 0, 1, 0, None) };
    lua.push_fn(blocking(spawn));
    lua.set_field(-2, c"spawn");
    lua.push_fn(cfn(create));
    lua.set_field(-2, c"create");
    for (name, guard) in [
        ("wrap", cfn(wrap)),
        ("resume", cfn(resume)),
        ("close", cfn(close)),
    ] {
        lua.get_field_str(-1, name);
        // SAFETY: the library's function on top becomes the guard's upvalue 1.
        unsafe { ffi::lua_pushcclosure(lua.raw(), guard, 1) };
        lua.set_field_str(-2, name);
    }
    Ok(())
}

fn check_function(lua: Lua, name: &str) -> LResult<()> {
    if lua.kind(1) != LUA_TFUNCTION {
        return Err(Raise::from(format!(
            "bad argument #1 to '{name}' (function expected, got {})",
            lua.type_name(1)
        )));
    }
    Ok(())
}

/// The thread at argument 1 of `name`; raises as Lua's `getco` does for anything else.
fn thread_arg(lua: Lua, name: &str) -> LResult<*mut ffi::lua_State> {
    // SAFETY: live state; `lua_tothread` accepts any index.
    let thread = unsafe { ffi::lua_tothread(lua.raw(), 1) };
    if thread.is_null() {
        return Err(Raise::from(format!(
            "bad argument #1 to '{name}' (coroutine expected, got {})",
            lua.type_name(1)
        )));
    }
    Ok(thread)
}

/// Removes the preemption hook `thread` inherited from its maker.
fn unhook(thread: *mut ffi::lua_State) {
    // SAFETY: a thread of this VM that has not run yet; removing a hook is plain API use
    // from the thread that owns the VM.
    unsafe { ffi::lua_sethook(thread, None, 0, 0) };
}

/// `coroutine.create(f)`, as Lua's, without the maker's preemption hook.
fn create(lua: Lua) -> LResult<c_int> {
    check_function(lua, "create")?;
    lua.ensure(2)?;
    // SAFETY: live state; pushes a new thread of this VM.
    let thread = unsafe { ffi::lua_newthread(lua.raw()) };
    unhook(thread);
    lua.push_value(1);
    // SAFETY: both threads belong to this VM; moves the function onto the new one.
    unsafe { ffi::lua_xmove(lua.raw(), thread, 1) };
    Ok(1)
}

/// Calls the guarded library function (upvalue 1) with the arguments, protected: its
/// arguments were checked, so only a memory error (or, for `close`, Lua's own refusal
/// of a running coroutine) can fail it, and that is raised once our frame is gone.
fn call_library(lua: Lua) -> LResult<c_int> {
    let nargs = lua.top();
    lua.ensure(1)?;
    lua.push_value(ffi::lua_upvalueindex(1));
    lua.insert(1);
    // SAFETY: the function at 1 and its `nargs` arguments above it.
    if unsafe { ffi::lua_pcallk(lua.raw(), nargs, ffi::LUA_MULTRET, 0, 0, None) } != ffi::LUA_OK {
        return Err(Raise::Top);
    }
    Ok(lua.top())
}

/// `coroutine.wrap(f)`, as Lua's (which it calls), without the maker's preemption hook on
/// the thread it wraps.
fn wrap(lua: Lua) -> LResult<c_int> {
    check_function(lua, "wrap")?;
    lua.set_top(1);
    call_library(lua)?;
    // SAFETY: Lua's `wrap` returns a C closure whose upvalue 1 is the new thread; reading
    // a C closure's upvalue pushes it.
    unsafe {
        if !ffi::lua_getupvalue(lua.raw(), -1, 1).is_null() {
            let thread = ffi::lua_tothread(lua.raw(), -1);
            if !thread.is_null() {
                unhook(thread);
            }
            lua.pop(1);
        }
    }
    Ok(1)
}

/// Whether the driver runs `thread` (`main` or a `coroutine.spawn` coroutine); never in
/// a VM without a process (a test's, or the fuzz target's).
fn driver_owned(lua: Lua, thread: *mut ffi::lua_State) -> bool {
    state(lua).is_ok_and(|st| {
        st.coroutines.iter().any(|(_, co)| co.thread == thread)
            || st.spawned.iter().any(|co| co.thread == thread)
    })
}

/// `coroutine.resume(co, ...)`: Lua's, except for the driver's coroutines: `false` and
/// a message, as for any coroutine that cannot be resumed.
fn resume(lua: Lua) -> LResult<c_int> {
    let thread = thread_arg(lua, "resume")?;
    if driver_owned(lua, thread) {
        lua.ensure(2)?;
        lua.push_bool(false);
        lua.push_str(
            "cannot resume a coroutine the process runs (main or coroutine.spawn): it resumes when what it waits for comes",
        );
        return Ok(2);
    }
    call_library(lua)
}

/// `coroutine.close(co)`: Lua's, except for the driver's coroutines, which it refuses
/// with an error, as Lua does for a running coroutine.
fn close(lua: Lua) -> LResult<c_int> {
    let thread = thread_arg(lua, "close")?;
    if driver_owned(lua, thread) {
        return Err(Raise::from(
            "cannot close a coroutine the process runs (main or coroutine.spawn)",
        ));
    }
    call_library(lua)
}
