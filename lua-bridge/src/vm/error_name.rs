//! [`name_error_object`]: the text of a table a failed coroutine raised, from the table's
//! `__tostring`, as Lua's own interpreter names an error object (`msghandler` in
//! `lua.c`), for the log, the EXIT event and the CLI.
//!
//! The error object of a failed coroutine is read without running Lua code
//! (`errors::error_from_stack`): a table gives its `message` field, else
//! [`UNNAMED_TABLE`](crate::modules::errors::UNNAMED_TABLE). Only then, and only for a
//! table with a `__tostring`, the driver asks here. The metamethod is the script's own
//! code, so it runs as `tostring` would run it, but fenced: on the VM's main thread (no
//! coroutine of the process is running, and the blocking calls refuse to run outside
//! one), in a protected call, under a count hook that stops it after
//! [`TOSTRING_BUDGET`] instructions, and within the process's memory limit. If it raises,
//! runs too long or returns neither a string nor a number, the error keeps Lua's words.
//!
//! Past its budget the metamethod is doomed as a process stuck in a callback is
//! (`preempt.rs`): the hook stays and raises the stop every [`RECHECK`] instructions,
//! and the process's guarded `pcall`/`xpcall` and `coroutine.resume` pass it on, so a
//! `pcall` inside the metamethod cannot catch the stop and loop on.

use super::instance::Vm;
use mlua::ffi;
use std::ffi::c_int;

/// Instructions a `__tostring` may run to name an error object.
const TOSTRING_BUDGET: c_int = 1_000_000;
/// Instructions between two raises of the stop, once the budget is spent.
const RECHECK: c_int = 1000;

/// The `__tostring` text of the value on top of `thread`, which is taken off it. `None`
/// when the value has no `__tostring`, or it raised, ran past [`TOSTRING_BUDGET`]
/// instructions or returned neither a string nor a number (a number becomes its text,
/// as `tostring` makes it).
///
/// `thread` must be a coroutine of `vm` that is not running (a failed one), with at least
/// one value on its stack; nothing of the process may be borrowed (the metamethod may
/// call the process's functions).
pub(crate) fn name_error_object(vm: &Vm, thread: *mut ffi::lua_State) -> Option<String> {
    let lua = vm.lua();
    lua.ensure(3).ok()?;
    lua.push_fn(describe_top);
    lua.push_light(thread.cast());
    let process_doomed = super::preempt::replace_doomed(false);
    // SAFETY: the main thread is not running (the driver calls this after a resume
    // ended); a function and one argument on top. The hook is removed whatever the
    // outcome, before anything else runs on this thread.
    let status = unsafe {
        let status = ffi::lua_pcallk(lua.raw(), 1, 1, 0, 0, None);
        ffi::lua_sethook(lua.raw(), None, 0, 0);
        status
    };
    // A stop of the metamethod is not the process's.
    super::preempt::replace_doomed(process_doomed);
    let text = (status == ffi::LUA_OK).then(|| lua.string(-1)).flatten();
    lua.pop(1);
    text
}

/// A Lua C function (argument: the failed thread as a light userdata): moves the thread's
/// top value here and returns `tostring` of it if it has a `__tostring`, else nothing.
///
/// Holds no Rust values, so the errors `luaL_tolstring` and the hook raise unwind through
/// it as through any C function.
unsafe extern "C-unwind" fn describe_top(state: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by `lua_pcallk` above with the thread pointer as its one argument;
    // both threads belong to the same VM, the failed one has a value on top (the
    // caller's contract) and this call has LUA_MINSTACK slots of room.
    unsafe {
        let thread = ffi::lua_touserdata(state, 1).cast::<ffi::lua_State>();
        ffi::lua_settop(state, 0);
        ffi::lua_xmove(thread, state, 1);
        if ffi::luaL_getmetafield(state, 1, c"__tostring".as_ptr()) == ffi::LUA_TNIL {
            return 0;
        }
        ffi::lua_settop(state, 1);
        ffi::lua_sethook(
            state,
            Some(budget_hook),
            ffi::LUA_MASKCOUNT,
            TOSTRING_BUDGET,
        );
        ffi::luaL_tolstring(state, 1, std::ptr::null_mut());
        ffi::lua_sethook(state, None, 0, 0);
        1
    }
}

/// The count hook of [`describe_top`] (and of any coroutine the metamethod creates,
/// which inherits it): the metamethod ran out of its budget. It is doomed from now on:
/// the hook stays, to raise the stop again [`RECHECK`] instructions later wherever it
/// was caught.
unsafe extern "C-unwind" fn budget_hook(state: *mut ffi::lua_State, _debug: *mut ffi::lua_Debug) {
    // SAFETY: Lua calls a hook on its own thread while that thread runs; resetting the
    // hook there and raising an error from a count hook are allowed (the Lua 5.4 manual,
    // `lua_sethook`, `lua_Hook`). The hook frame holds nothing to drop.
    unsafe {
        super::preempt::replace_doomed(true);
        ffi::lua_sethook(state, Some(budget_hook), ffi::LUA_MASKCOUNT, RECHECK);
        super::preempt::raise_stop(state);
    }
}
