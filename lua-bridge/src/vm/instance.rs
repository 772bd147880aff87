//! [`Vm`]: one process's Lua state, its allocator account and its process state.
//!
//! The `Vm` owns all three and frees them together: `lua_close` first (it runs the
//! userdata finalizers, which only drop Rust values), then the state and the heap.
//!
//! A process VM can instead be scrubbed ([`Vm::scrub`]) and handed to the next process
//! (see `pool.rs` for what that guarantees).

use super::alloc::{Heap, HeapRef, allocate};
use super::lua::{CFn, Lua};
use super::state::ProcState;
use crate::modules::errors::error_from_stack;
use mlua::ffi;
use std::ffi::{c_int, c_void};
use wippy_runtime::payload::{ErrorKind, ErrorValue};

/// A Lua state with its heap account and (for a process) its [`ProcState`].
#[derive(Debug)]
pub(crate) struct Vm {
    main: *mut ffi::lua_State,
    heap: *mut Heap,
    state: *mut ProcState,
}

// SAFETY: a `Vm` is used by one thread at a time (its process's step, or the owner of a
// plain VM); nothing in it is tied to a thread: the state's pointers are its own, and Lua
// keeps no thread-local data.
unsafe impl Send for Vm {}

/// The collector's pause, in percent of the heap the last cycle kept.
const GC_PAUSE: std::ffi::c_int = 200;

impl Vm {
    /// A new VM with `memory_limit` bytes (0 = none), set up by `install` (run protected).
    pub(crate) fn new(memory_limit: usize, state: Option<ProcState>) -> Result<Vm, ErrorValue> {
        let heap = Box::into_raw(Box::new(Heap::new(memory_limit)));
        // SAFETY: `allocate` is our allocator and `heap` lives until after `lua_close`.
        let main = unsafe { ffi::lua_newstate(allocate, heap.cast()) };
        if main.is_null() {
            // SAFETY: `heap` came from Box::into_raw above and Lua no longer uses it.
            drop(unsafe { Box::from_raw(heap) });
            return Err(ErrorValue::new(
                ErrorKind::Internal,
                "cannot create a Lua state: out of memory",
            ));
        }
        // Incremental collection, starting a cycle when the heap has grown to twice
        // what the last cycle kept (Lua's default). A pause of 400 % runs 2 % fewer
        // instructions per echo under callgrind but is 10-12 % slower in wall time:
        // callgrind's cache model shows it missing the last-level cache about 6 times
        // per echo more (the VMs' garbage spreads over more memory before it is reused),
        // and 200 % about never. A waiting process's heap is collected in full at its
        // first wait (`settle`), and an allocation over the memory limit runs an
        // emergency full collection first.
        // SAFETY: live state, not running.
        unsafe { ffi::lua_gc(main, ffi::LUA_GCINC, GC_PAUSE, 0, 0) };
        let state = state.map_or(std::ptr::null_mut(), |mut s| {
            s.channels.heap = HeapRef::new(heap);
            Box::into_raw(Box::new(s))
        });
        // SAFETY: the extra space of the main thread is LUA_EXTRASPACE (one pointer)
        // bytes that Lua copies into every new thread; we store the state pointer there.
        unsafe { *ffi::lua_getextraspace(main).cast::<*mut ProcState>() = state };
        let vm = Vm { main, heap, state };
        vm.protected(
            crate::vm::lua::cfn(super::setup::install),
            std::ptr::null_mut(),
        )?;
        Ok(vm)
    }

    /// Takes a scrubbed VM for a new process: its limit and its state.
    pub(crate) fn adopt(&mut self, memory_limit: usize, mut state: ProcState) {
        debug_assert!(self.state.is_null(), "only scrubbed VMs are adopted");
        state.channels.heap = HeapRef::new(self.heap);
        self.state = Box::into_raw(Box::new(state));
        // SAFETY: the heap lives as long as `self`; the extra space as in `new` (threads
        // made from now on copy this pointer; none of the old process's will run again).
        unsafe {
            debug_assert_eq!((*self.heap).external(), 0, "a scrubbed VM has no charge");
            (*self.heap).limit = memory_limit;
            *ffi::lua_getextraspace(self.main).cast::<*mut ProcState>() = self.state;
        }
    }

    /// Ends the process this VM ran: drops its state and puts the Lua state back where
    /// [`new`](Self::new) leaves one, as far as any Lua code can tell (`setup::reset`).
    /// `None` (the VM is closed) when it holds more than `max_heap` bytes (Lua's and the
    /// Rust memory charged to it, `alloc.rs`) or the reset fails.
    /// The scrubbed VM has no charge: the state's channels released theirs as it was
    /// dropped, and the old process's garbage userdata release nothing when collected
    /// (`Heap::forget_external`).
    /// `finished_main` (or null) becomes the VM's spare thread (`spare_thread.rs`): a
    /// thread of this VM whose function returned normally.
    pub(crate) fn scrub(
        mut self,
        max_heap: usize,
        finished_main: *mut ffi::lua_State,
    ) -> Option<Vm> {
        if self.memory_used() > max_heap {
            return None;
        }
        let state = std::mem::replace(&mut self.state, std::ptr::null_mut());
        // SAFETY: the VM is not running (its process's step is ending it); the state came
        // from Box::into_raw in `new`/`adopt`, and with the extra space cleared first no
        // Lua code can reach it any more. The heap lives as long as `self`.
        unsafe {
            ffi::lua_settop(self.main, 0);
            *ffi::lua_getextraspace(self.main).cast::<*mut ProcState>() = std::ptr::null_mut();
            if !state.is_null() {
                drop(Box::from_raw(state));
            }
            (*self.heap).limit = 0;
            (*self.heap).forget_external();
        }
        self.protected(
            crate::vm::lua::cfn(super::setup::reset),
            finished_main.cast::<c_void>(),
        )
        .ok()?;
        Some(self)
    }

    /// A handle on the main thread (the control thread: the process's coroutines are
    /// other threads).
    pub(crate) fn lua(&self) -> Lua {
        // SAFETY: `main` lives as long as `self`, and `self` is used by one thread.
        unsafe { Lua::from_raw(self.main) }
    }

    /// The process state (none for a plain VM).
    ///
    /// The reference must not be held across a call that runs Lua code.
    // The state is reached by pointer, as the bound functions reach it through the extra
    // space; exclusivity comes from the protocol in `state::state`, not from `&mut self`.
    #[allow(clippy::mut_from_ref)]
    pub(crate) fn state(&self) -> Option<&mut ProcState> {
        // SAFETY: `state` is null or the Box made in `new`, freed only in `drop`.
        // Exclusivity: see `state::state`.
        unsafe { self.state.as_mut() }
    }

    /// Whether a full collection is due (`Heap::defer_collection`): an allocation
    /// passed the limit and the process has not run its hook since.
    pub(crate) fn collection_due(&self) -> bool {
        // SAFETY: the heap lives as long as `self`; read on the thread that owns the VM.
        unsafe { (*self.heap).collection_due() }
    }

    /// The traceback of `thread` (a suspended or dead coroutine of this VM), for the
    /// driver outside any protected call, once the process has failed. Its memory
    /// limit is lifted meanwhile: the process may have failed at its limit (or past it,
    /// see `Heap::defer_collection`), and a memory error raised here, unprotected,
    /// would abort the node. A traceback is short (Lua elides all but 21 levels).
    pub(crate) fn traceback_of(&self, thread: *mut ffi::lua_State) -> Option<String> {
        let lua = self.lua();
        // SAFETY: the heap lives as long as `self` and is used by this thread only; the
        // limit is put back right after (growing the stack needs memory too).
        let limit = unsafe { std::mem::replace(&mut (*self.heap).limit, 0) };
        let room = lua.ensure(2).is_ok();
        if room {
            // SAFETY: live main thread and a coroutine of the same VM that is not
            // running; pushes one string onto the main thread.
            unsafe { ffi::luaL_traceback(lua.raw(), thread, std::ptr::null(), 0) };
        }
        // SAFETY: as above.
        unsafe { (*self.heap).limit = limit };
        if !room {
            return None;
        }
        let trace = lua.string(-1);
        lua.pop(1);
        trace
    }

    /// Bytes the VM holds now (Lua's and the Rust memory charged to it).
    pub(crate) fn memory_used(&self) -> usize {
        // SAFETY: the heap lives as long as `self`; read on the thread that owns the VM.
        unsafe { (*self.heap).used }
    }

    /// Drops what the VM keeps for later processes (see `chunks.rs`), then collects
    /// garbage fully: for a process that may stay long, once it first waits.
    pub(crate) fn settle(&self) {
        super::chunks::forget(self.lua());
        super::setup::forget_kept(self.lua());
        self.collect();
    }

    /// A full garbage collection.
    fn collect(&self) {
        // SAFETY: live main thread, no coroutine running; only our finalizers exist
        // (user `__gc` is refused), and they raise nothing.
        unsafe { ffi::lua_gc(self.main, ffi::LUA_GCCOLLECT) };
    }

    /// Runs the C function `f` with the light userdata `arg` in protected mode on the main
    /// thread. An error it raises comes back as an error value.
    pub(crate) fn protected(&self, f: CFn, arg: *mut c_void) -> Result<(), ErrorValue> {
        let lua = self.lua();
        lua.push_fn(f);
        lua.push_light(arg);
        // SAFETY: the main thread is not running (the driver never calls this during a
        // resume of it: the main thread is never resumed); a function and one argument
        // are on top.
        let status = unsafe { ffi::lua_pcallk(self.main, 1, 0, 0, 0, None) };
        if status == ffi::LUA_OK {
            return Ok(());
        }
        let error = failure(lua, status, -1);
        lua.pop(1);
        Err(error)
    }
}

/// The error value of a failed call: status and the error object at `idx`.
pub(crate) fn failure(lua: Lua, status: c_int, idx: c_int) -> ErrorValue {
    if status == ffi::LUA_ERRMEM {
        return ErrorValue::new(
            ErrorKind::Internal,
            "memory limit exceeded: the process used all the memory a process may (--process-memory-mb, 64 MiB by default)",
        );
    }
    error_from_stack(lua, idx)
}

impl Drop for Vm {
    fn drop(&mut self) {
        // SAFETY: `main` is live and no thread of it is running (the owner is dropping
        // it); `lua_close` frees every object, running our finalizers. Then nothing uses
        // the state or the heap any more, and both came from Box::into_raw in `new`.
        unsafe {
            ffi::lua_close(self.main);
            if !self.state.is_null() {
                drop(Box::from_raw(self.state));
            }
            drop(Box::from_raw(self.heap));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `code` on the VM's main thread, protected; `true` when it ran without error.
    fn run(vm: &Vm, code: &std::ffi::CStr) -> bool {
        // SAFETY: live main thread, not running; the chunk and its call are balanced
        // (its results and any error are dropped).
        unsafe {
            let loaded = ffi::luaL_loadstring(vm.main, code.as_ptr()) == ffi::LUA_OK;
            let ok = loaded && ffi::lua_pcallk(vm.main, 0, 0, 0, 0, None) == ffi::LUA_OK;
            ffi::lua_settop(vm.main, 0);
            ok
        }
    }

    #[test]
    fn a_vm_whose_string_buffer_outgrew_the_stack_is_scrubbed() {
        let vm = Vm::new(0, None).expect("a new VM");
        // Past LUAL_BUFFERSIZE, lauxlib boxes the buffer and registers the box's metatable.
        assert!(run(
            &vm,
            c"local s = string.rep('x', 4000) assert(#s == 4000)"
        ));
        let vm = vm
            .scrub(usize::MAX, std::ptr::null_mut())
            .expect("the scrubbed VM is kept for the next process");
        assert!(run(&vm, c"assert(string.rep('y', 4000):sub(1, 1) == 'y')"));
    }
}
