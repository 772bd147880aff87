//! The spare thread of a reused VM: the thread of the last process's `main`, when that
//! returned normally, kept for the next process's `main` instead of a new thread.
//!
//! A thread that returned from its function is as a new one: status `LUA_OK`, no call
//! frames, no open upvalues or to-be-closed variables. What it still carries is reset
//! when it is kept ([`keep`]: empty stack, no hook) and when it is taken ([`take`]: the
//! new process's state pointer in its extra space, which `lua_newthread` would have
//! copied from the main thread). Its identity is all that is old about it, and only the
//! old process's objects could compare it, which the next process cannot reach (see
//! `pool.rs`). A thread that failed, or was still suspended when its process ended, is
//! never kept.
//!
//! Ownership: the registry holds the spare under a light-userdata key (so `reset` keeps
//! it); `setup::reset` writes it (the kept thread or nil), `driver::boot_main` reads it.
//! Both run protected on the VM's main thread while no coroutine runs.

use super::lua::Lua;
use super::state::ProcState;
use mlua::ffi;
use std::ffi::c_void;
use wippy_runtime::StripedCounter;

/// Spare threads taken instead of new ones, since the program started.
static REUSED: StripedCounter = StripedCounter::new();

/// How many processes started `main` in a VM's spare thread instead of a new thread
/// (since the program started; for tests and measurements).
pub fn reused_threads() -> u64 {
    REUSED.sum()
}

fn key() -> *const c_void {
    static SPARE_THREAD: u8 = 0;
    std::ptr::from_ref(&SPARE_THREAD).cast()
}

/// Keeps `thread` (null: none) as the spare of the VM of `lua`, replacing the previous
/// one. Runs on the VM's main thread, protected (the registry write may allocate).
///
/// # Safety
///
/// `thread` is null or a thread of this VM whose function returned normally, which is
/// not running and will not be resumed by anyone else.
pub(crate) unsafe fn keep(lua: Lua, thread: *mut ffi::lua_State) {
    if thread.is_null() {
        lua.push_nil();
    } else {
        // SAFETY: per the contract, a finished thread of this VM: its stack may be
        // emptied and its hook cleared; `lua_pushthread` needs one free slot, which a
        // thread with an empty stack has; `lua_xmove` moves it to the main thread.
        unsafe {
            ffi::lua_settop(thread, 0);
            ffi::lua_sethook(thread, None, 0, 0);
            ffi::lua_pushthread(thread);
            ffi::lua_xmove(thread, lua.raw(), 1);
        }
    }
    // SAFETY: the registry is a table; the thread (or nil) on top.
    unsafe { ffi::lua_rawsetp(lua.raw(), ffi::LUA_REGISTRYINDEX, key()) };
}

/// The spare thread of the VM of `lua`, set up for the process whose state is `state`,
/// or `None`. The thread stays the spare in the registry until the next [`keep`]; the
/// caller anchors it for as long as it uses it.
pub(crate) fn take(lua: Lua, state: *mut ProcState) -> Option<*mut ffi::lua_State> {
    // SAFETY: live state; a raw registry read pushes one value.
    let kind = unsafe { ffi::lua_rawgetp(lua.raw(), ffi::LUA_REGISTRYINDEX, key()) };
    // SAFETY: the value on top is a thread when `kind` says so.
    let thread = (kind == ffi::LUA_TTHREAD).then(|| unsafe { ffi::lua_tothread(lua.raw(), -1) });
    lua.pop(1);
    let thread = thread.filter(|t| !t.is_null())?;
    // SAFETY: a thread of this VM kept by `keep` (finished, empty stack, no hook, and
    // not running); its extra space is LUA_EXTRASPACE bytes holding the state pointer.
    unsafe { *ffi::lua_getextraspace(thread).cast::<*mut ProcState>() = state };
    REUSED.add(1);
    Some(thread)
}
