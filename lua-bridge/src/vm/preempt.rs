//! Preemption of a Lua process that runs past its time slice.
//!
//! The scheduler's watchdog calls [`Preempt::request`] from its own thread while the
//! process runs. That arms a count hook on the coroutine being resumed; the hook yields
//! at the next instruction (when the coroutine can yield there) and removes itself, so a
//! process pays nothing for the hook until its slice has expired. The driver resumes the
//! coroutine later like any other ready coroutine.

use mlua::ffi;
use parking_lot::Mutex;
use std::ffi::c_int;
use std::sync::atomic::{AtomicBool, Ordering};

/// The coroutine being resumed, as a raw `lua_State` address (0 when none).
#[derive(Debug, Default)]
pub(crate) struct Preempt {
    running: Mutex<usize>,
    /// A request came in this run; a coroutine resumed later in the run is armed at once
    /// (the watchdog asks once per run, possibly between two resumes).
    requested: AtomicBool,
}

unsafe extern "C-unwind" fn yield_hook(state: *mut ffi::lua_State, _debug: *mut ffi::lua_Debug) {
    // SAFETY: Lua calls the hook on the thread `state` it belongs to, during that thread's
    // execution, which is exactly when the hook API may be used on it. Yielding from a
    // count hook with zero results is allowed by the Lua 5.4 manual when the thread is
    // yieldable, which is checked first (otherwise the hook stays armed and fires again
    // 1000 instructions later). From a hook, `lua_yield` returns normally and the thread
    // suspends when the hook returns; the driver removes the hook after the resume.
    unsafe {
        if ffi::lua_isyieldable(state) != 0 {
            ffi::lua_sethook(state, None, 0, 0);
            ffi::lua_yield(state, 0);
        }
    }
}

/// Instructions between checks once preemption is requested.
const HOOK_COUNT: c_int = 1000;

impl Preempt {
    /// A new run of the process starts: no request yet.
    pub(crate) fn new_run(&self) {
        self.requested.store(false, Ordering::Relaxed);
    }

    /// Marks `state` as the coroutine now running (the driver, around each resume).
    pub(crate) fn enter(&self, state: *const std::ffi::c_void) {
        let mut running = self.running.lock();
        *running = state as usize;
        if self.requested.load(Ordering::Relaxed) {
            // SAFETY: `state` is the coroutine the driver is about to resume, on this
            // thread; setting a hook on a suspended thread is ordinary API use.
            unsafe { arm(state as *mut ffi::lua_State) };
        }
    }

    /// No coroutine runs any more: its hook, if any, is removed.
    pub(crate) fn leave(&self) {
        let mut running = self.running.lock();
        if *running != 0 {
            // SAFETY: the coroutine is suspended or dead (its resume returned) and still
            // held by the driver; removing a hook from a thread that is not running is
            // ordinary use of the API from the thread that owns the VM.
            unsafe { ffi::lua_sethook(*running as *mut ffi::lua_State, None, 0, 0) };
        }
        *running = 0;
    }

    /// Asks the running coroutine to yield soon (called by the watchdog thread).
    pub(crate) fn request(&self) {
        let running = self.running.lock();
        self.requested.store(true, Ordering::Relaxed);
        if *running != 0 {
            // SAFETY: the address is a live coroutine: the driver sets it before a resume
            // and clears it under this same lock after the resume returned, and holds the
            // coroutine (so it cannot be collected) in between. `lua_sethook` is the one
            // Lua API meant to be called asynchronously (ldebug.c: "this function can be
            // called during a signal"): it only stores the hook and sets trap flags that
            // the interpreter reads at its next instruction.
            unsafe { arm(*running as *mut ffi::lua_State) };
        }
    }
}

/// Arms the yield hook on `state`.
///
/// # Safety
///
/// `state` must be a live Lua thread (see the callers).
unsafe fn arm(state: *mut ffi::lua_State) {
    // SAFETY: guaranteed by the caller.
    unsafe { ffi::lua_sethook(state, Some(yield_hook), ffi::LUA_MASKCOUNT, HOOK_COUNT) };
}
