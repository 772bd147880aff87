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

/// The preemption state of one process: the coroutine being resumed, and whether the
/// watchdog asked this run to yield.
#[derive(Debug, Default)]
pub(crate) struct Preempt {
    running: Mutex<Running>,
    /// A request came in this run; a coroutine resumed later in the run is armed at once
    /// (the watchdog asks once per run, possibly between two resumes, or before the
    /// first).
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

/// The coroutine being resumed (its `lua_State` address, 0 when none) and whether its
/// hook is armed (so that a resume nobody asked to preempt ends without a hook call).
#[derive(Debug, Default)]
struct Running {
    state: usize,
    armed: bool,
}

/// Instructions between checks once preemption is requested.
const HOOK_COUNT: c_int = 1000;

impl Preempt {
    /// The process's run (its step) ended: a request made during it is spent.
    ///
    /// Reset at the end, not at the start of the next run: the watchdog may ask as soon
    /// as a run is published, before the step begins (when the worker thread is
    /// descheduled in between), and a request it made then must arm the first resume.
    /// A request that comes after this, for the run just ended, makes the next run yield
    /// once early, which costs nothing but a turn.
    pub(crate) fn end_run(&self) {
        self.requested.store(false, Ordering::Relaxed);
    }

    /// Marks `state` as the coroutine now running (the driver, around each resume).
    pub(crate) fn enter(&self, state: *const std::ffi::c_void) {
        let mut running = self.running.lock();
        running.state = state as usize;
        if self.requested.load(Ordering::Relaxed) {
            // SAFETY: `state` is the coroutine the driver is about to resume, on this
            // thread; setting a hook on a suspended thread is ordinary API use.
            unsafe { arm(state as *mut ffi::lua_State) };
            running.armed = true;
        }
    }

    /// No coroutine runs any more: its hook, if any, is removed.
    pub(crate) fn leave(&self) {
        let mut running = self.running.lock();
        if running.armed && running.state != 0 {
            // SAFETY: the coroutine is suspended or dead (its resume returned) and still
            // held by the driver; removing a hook from a thread that is not running is
            // ordinary use of the API from the thread that owns the VM.
            unsafe { ffi::lua_sethook(running.state as *mut ffi::lua_State, None, 0, 0) };
        }
        *running = Running::default();
    }

    /// Asks the running coroutine to yield soon (called by the watchdog thread).
    pub(crate) fn request(&self) {
        let mut running = self.running.lock();
        self.requested.store(true, Ordering::Relaxed);
        if running.state != 0 {
            // SAFETY: the address is a live coroutine: the driver sets it before a resume
            // and clears it under this same lock after the resume returned, and holds the
            // coroutine (so it cannot be collected) in between. `lua_sethook` is the one
            // Lua API meant to be called asynchronously (ldebug.c: "this function can be
            // called during a signal"): it only stores the hook and sets trap flags that
            // the interpreter reads at its next instruction.
            unsafe { arm(running.state as *mut ffi::lua_State) };
            running.armed = true;
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

#[cfg(test)]
mod tests {
    use super::Preempt;
    use crate::vm::instance::Vm;
    use mlua::ffi;

    fn hooked(state: *mut ffi::lua_State) -> bool {
        // SAFETY: a live state of the test's VM, on this thread.
        unsafe { ffi::lua_gethook(state).is_some() }
    }

    #[test]
    fn a_request_before_the_first_resume_arms_it_and_ends_with_the_run() {
        let vm = Vm::new(1 << 20, None).expect("a VM");
        let state = vm.lua().raw();
        let preempt = Preempt::default();
        // The watchdog asks before the step resumed anything.
        preempt.request();
        assert!(!hooked(state), "nothing runs yet, so nothing is armed");
        preempt.enter(state.cast_const().cast());
        assert!(hooked(state), "the first resume of the run is armed");
        preempt.leave();
        assert!(!hooked(state), "leaving removes the hook");
        preempt.enter(state.cast_const().cast());
        assert!(hooked(state), "a later resume of the same run is armed too");
        preempt.leave();
        preempt.end_run();
        preempt.enter(state.cast_const().cast());
        assert!(!hooked(state), "the next run starts without a request");
        preempt.leave();
    }

    #[test]
    fn a_request_during_a_resume_arms_the_running_coroutine() {
        let vm = Vm::new(1 << 20, None).expect("a VM");
        let state = vm.lua().raw();
        let preempt = Preempt::default();
        preempt.enter(state.cast_const().cast());
        assert!(!hooked(state));
        preempt.request();
        assert!(hooked(state));
        preempt.leave();
        assert!(!hooked(state));
    }
}
