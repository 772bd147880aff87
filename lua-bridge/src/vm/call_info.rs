//! Whether a thread's running frame is a C function, read from its `CallInfo` without
//! touching its stack.
//!
//! The allocator asks this (`preempt::arm_running_in_lua_function`) when an allocation
//! passes the memory limit, and that allocation may be the thread's own stack being
//! reallocated: `luaD_reallocstack` turns every stack pointer of the thread (each
//! frame's `func` and `top`, the thread's `top`) into an offset for the time of the
//! call, so `lua_getinfo`, which reads the frame's function through `func`, read an
//! offset as an address there and crashed the node (a process that held received
//! messages near its limit and recursed deeply: `tests/lua/limits/stack_growth_near_the_limit.lua`).
//! The frame's `callstatus` is a plain field, valid at every moment.
//!
//! Lua's API has no call for it, so this reads Lua 5.4's `CallInfo` (`lstate.h`)
//! through a mirror of its layout, and `lua_Debug`'s private `i_ci` (`lua.h`, which
//! `lua_getstack` fills) through a mirror of that struct. Both are of the vendored Lua
//! this crate builds (`mlua` with `lua54` and `vendored`, 5.4.9); the tests below check
//! the mirrors against Lua's own answer for a C function and a Lua function.

use mlua::ffi;
use std::ffi::{c_char, c_int, c_short, c_uchar, c_ushort, c_void};

/// `luaconf.h`'s `LUA_IDSIZE`, the length of `lua_Debug::short_src` (private in mlua;
/// the size check below fails if it differs).
const LUA_IDSIZE: usize = 60;

/// `lstate.h`'s `CIST_C`: the frame runs a C function.
const CIST_C: c_ushort = 1 << 1;

/// The layout of Lua 5.4's `lua_Debug` (`lua.h`), with its last, private field named.
#[repr(C)]
struct DebugMirror {
    event: c_int,
    name: *const c_char,
    namewhat: *const c_char,
    what: *const c_char,
    source: *const c_char,
    srclen: usize,
    currentline: c_int,
    linedefined: c_int,
    lastlinedefined: c_int,
    nups: c_uchar,
    nparams: c_uchar,
    isvararg: c_char,
    istailcall: c_char,
    ftransfer: c_ushort,
    ntransfer: c_ushort,
    short_src: [c_char; LUA_IDSIZE],
    /// The frame `lua_getstack` found (`struct CallInfo *`).
    i_ci: *const CallInfoMirror,
}

// The mirror is the struct mlua declares, field for field.
const _: () = assert!(std::mem::size_of::<DebugMirror>() == std::mem::size_of::<ffi::lua_Debug>());

/// The layout of Lua 5.4's `struct CallInfo` (`lstate.h`) up to `callstatus`: `func`
/// and `top` (`StkIdRel`, a pointer or an offset), `previous` and `next`, the union `u`
/// (its larger member, `c`, is three words), `u2` (an int), `nresults`, `callstatus`.
#[repr(C)]
struct CallInfoMirror {
    func: *const c_void,
    top: *const c_void,
    previous: *const c_void,
    next: *const c_void,
    u: [usize; 3],
    u2: c_int,
    nresults: c_short,
    callstatus: c_ushort,
}

/// Whether the frame running on `state` runs a C function; `None` when the thread has
/// no frame but its base (nothing called yet).
///
/// # Safety
///
/// `state` is a live thread of a Lua 5.4.9 state whose call chain no other thread
/// changes meanwhile. Its stack may be in the middle of a reallocation: this reads
/// only the frame list (`lua_getstack`) and a field of the frame.
pub(crate) unsafe fn running_c_function(state: *mut ffi::lua_State) -> Option<bool> {
    // SAFETY: `lua_getstack` only walks the frame list and stores the frame in `i_ci`;
    // the mirror has the layout of `lua_Debug` (checked above). The frame it found is a
    // live `CallInfo` of `state`, whose `callstatus` the mirror reads at its offset.
    unsafe {
        let mut ar: DebugMirror = std::mem::zeroed();
        if ffi::lua_getstack(state, 0, (&raw mut ar).cast::<ffi::lua_Debug>()) == 0
            || ar.i_ci.is_null()
        {
            return None;
        }
        Some((*ar.i_ci).callstatus & CIST_C != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A C function that records what `running_c_function` says of its own frame.
    unsafe extern "C-unwind" fn report_from_c(l: *mut ffi::lua_State) -> c_int {
        // SAFETY: called by Lua on its running thread.
        let found = unsafe { running_c_function(l) };
        // SAFETY: as above; one value pushed onto the C function's frame.
        unsafe { ffi::lua_pushboolean(l, c_int::from(found == Some(true))) };
        1
    }

    /// A count hook that records what `running_c_function` says of the Lua function it
    /// interrupted, and that Lua's `lua_getinfo` says the same.
    unsafe extern "C-unwind" fn report_from_hook(l: *mut ffi::lua_State, _ar: *mut ffi::lua_Debug) {
        // SAFETY: called by Lua on its running thread, inside a Lua function.
        unsafe {
            let found = running_c_function(l);
            let mut ar: ffi::lua_Debug = std::mem::zeroed();
            let lua_says_lua = ffi::lua_getstack(l, 0, &mut ar) != 0
                && ffi::lua_getinfo(l, c"S".as_ptr(), &mut ar) != 0
                && std::ffi::CStr::from_ptr(ar.what) != c"C";
            HOOK_SAW.with(|s| s.set(Some((found, lua_says_lua))));
            ffi::lua_sethook(l, None, 0, 0);
        }
    }

    thread_local! {
        static HOOK_SAW: std::cell::Cell<Option<(Option<bool>, bool)>> = const { std::cell::Cell::new(None) };
    }

    #[test]
    fn the_mirrors_tell_a_c_function_from_a_lua_function_as_lua_does() {
        // SAFETY: a fresh state used by this thread only; every call below is made on
        // it with the stack room it needs, and it is closed at the end.
        unsafe {
            let l = ffi::luaL_newstate();
            assert!(!l.is_null());
            assert_eq!(running_c_function(l), None, "no frame before any call");

            ffi::lua_pushcfunction(l, report_from_c);
            assert_eq!(ffi::lua_pcall(l, 0, 1, 0), ffi::LUA_OK);
            assert_eq!(
                ffi::lua_toboolean(l, -1),
                1,
                "a C function's frame reads as C"
            );
            ffi::lua_settop(l, 0);

            let chunk = c"local n = 0 for i = 1, 100 do n = n + i end return n";
            assert_eq!(ffi::luaL_loadstring(l, chunk.as_ptr()), ffi::LUA_OK);
            ffi::lua_sethook(l, Some(report_from_hook), ffi::LUA_MASKCOUNT, 1);
            assert_eq!(ffi::lua_pcall(l, 0, 1, 0), ffi::LUA_OK);
            assert_eq!(
                HOOK_SAW.with(std::cell::Cell::get),
                Some((Some(false), true)),
                "a Lua function's frame reads as not C, as lua_getinfo says"
            );
            ffi::lua_close(l);
        }
    }
}
