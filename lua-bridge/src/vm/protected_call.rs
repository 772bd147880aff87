//! The sandbox's `pcall` and `xpcall`: `lbaselib.c`'s, rewritten so that a process
//! stopped where it could not be preempted (`preempt::doomed`) cannot catch its stop,
//! and so that a caught error leaves nothing of the failed call alive.
//!
//! They are Lua's functions rewritten, not wrappers around them: a wrapper was one more
//! C frame between the protected function and its caller, so `pcall(error, "m", 2)`
//! blamed the wrong level and protected calls nested half as deep as Lua's (session 55).
//! Installed into each VM's globals by `setup.rs`; they run on the process's own thread
//! inside its resume, like any C function Lua calls.

use super::lua::Lua;
use mlua::ffi;
use std::ffi::c_int;

/// Replaces `pcall` and `xpcall` (in the globals table at `globals`) with this
/// module's.
pub(crate) fn install(lua: Lua, globals: c_int) {
    let globals = lua.abs(globals);
    for (name, guard) in [
        (c"pcall", guarded_pcall as ffi::lua_CFunction),
        (c"xpcall", guarded_xpcall),
    ] {
        // SAFETY: live state in protected mode with room for one value.
        unsafe { ffi::lua_pushcclosure(lua.raw(), guard, 0) };
        lua.set_field(globals, name);
    }
}

/// `pcall(f, ...)`, as `luaB_pcall`: `true` and `f`'s results, or `false` and the error.
unsafe extern "C-unwind" fn guarded_pcall(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua on its running thread; a C function has LUA_MINSTACK free
    // slots, so the pushed `true` fits; nothing of ours is live when the call jumps
    // (where the coroutine can yield, Lua recovers from an error through `lua_resume`,
    // past this frame, and goes on in the continuation).
    unsafe {
        ffi::luaL_checkany(l, 1);
        ffi::lua_pushboolean(l, 1);
        ffi::lua_rotate(l, 1, 1);
        let nargs = ffi::lua_gettop(l) - 2;
        let status = ffi::lua_pcallk(
            l,
            nargs,
            ffi::LUA_MULTRET,
            0,
            0,
            Some(finish_protected_call),
        );
        finish_protected_call(l, status, 0)
    }
}

/// `xpcall(f, handler, ...)`, as `luaB_xpcall`.
unsafe extern "C-unwind" fn guarded_xpcall(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: as in `guarded_pcall` (two values pushed).
    unsafe {
        let n = ffi::lua_gettop(l);
        ffi::luaL_checktype(l, 2, ffi::LUA_TFUNCTION);
        ffi::lua_pushboolean(l, 1);
        ffi::lua_pushvalue(l, 1);
        ffi::lua_rotate(l, 3, 2);
        let status = ffi::lua_pcallk(
            l,
            n - 2,
            ffi::LUA_MULTRET,
            2,
            2,
            Some(finish_protected_call),
        );
        finish_protected_call(l, status, 2)
    }
}

/// `lbaselib.c`'s `finishpcall` (`extra` values below the results are not returned),
/// unless the process is doomed: then raises the stop again.
unsafe extern "C-unwind" fn finish_protected_call(
    l: *mut ffi::lua_State,
    status: c_int,
    extra: ffi::lua_KContext,
) -> c_int {
    // SAFETY: Lua calls this on the running thread, with the call's results (or its
    // error on top) on the stack, and room for two more values (`lua_pcallk` left the
    // frame's LUA_MINSTACK).
    unsafe {
        if super::preempt::doomed() {
            super::preempt::raise_stop(l);
        }
        if status != ffi::LUA_OK && status != ffi::LUA_YIELD {
            clear_above_top(l);
            if status == ffi::LUA_ERRMEM {
                release_garbage(l);
            }
            ffi::lua_pushboolean(l, 0);
            ffi::lua_pushvalue(l, -2);
            return 2;
        }
        #[allow(clippy::cast_possible_truncation)]
        let extra = extra as c_int;
        ffi::lua_gettop(l) - extra
    }
}

/// Sets to nil the stack slots just above the top, where the frames of a protected call
/// that failed left their values.
///
/// A full collection run from the hook (`alloc::collect_if_due`, after an allocation
/// past the memory limit) marks the running Lua function's whole frame, stale slots
/// included, as Lua protects it during a hook; so the value a failed call was building
/// (often the very block that did not fit) would stay alive there, and a process that
/// caught a memory error could not have that memory again.
///
/// # Safety
///
/// `l` is the running thread, in a C function (or its continuation) that may use its
/// LUA_MINSTACK slots.
unsafe fn clear_above_top(l: *mut ffi::lua_State) {
    // SAFETY: guaranteed by the caller; `lua_checkstack` raises no error (it answers 0
    // when the stack cannot grow), and the smallest size is always there.
    unsafe {
        let top = ffi::lua_gettop(l);
        let room = [256, 64, ffi::LUA_MINSTACK - 2]
            .into_iter()
            .find(|&n| ffi::lua_checkstack(l, n) != 0)
            .unwrap_or(0);
        ffi::lua_settop(l, top + room);
        ffi::lua_settop(l, top);
    }
}

/// After a caught memory error: frees what the failed call left as garbage and still
/// holds of the process's limit, so that the caller's next allocation does not fail
/// for it, outside this `pcall`, where it would end the process.
///
/// Lua's emergency collection frees only Lua's garbage, and values queued in a channel
/// are registry references that live until the channel is swept; so this sweeps the
/// channels nothing reaches (`sweep::free_garbage`: a full collection, which also runs
/// the finalizers that release Rust charges) and collects again for what those
/// channels held.
///
/// # Safety
///
/// `l` is the running thread of a process's VM, in a C function (or its continuation).
unsafe fn release_garbage(l: *mut ffi::lua_State) {
    // SAFETY: guaranteed by the caller.
    let lua = unsafe { Lua::from_raw(l) };
    if let Ok(st) = super::state::state(lua) {
        // Only no room on the stack can fail it, and then the collection below still
        // frees what it can.
        let _ = super::sweep::free_garbage(lua, st);
    }
    // SAFETY: live state, inside a C function; a full collection runs only the
    // runtime's finalizers, which neither raise nor touch the state.
    unsafe { ffi::lua_gc(l, ffi::LUA_GCCOLLECT) };
}
