//! A per-worker pool of scrubbed process VMs, so that spawning a process does not pay
//! for `lua_newstate` (its string table, the interned metamethod and keyword names) and
//! the userdata metatables, nor its exit for `lua_close`.
//!
//! # What a reused VM guarantees
//!
//! The rule: a finished process's VM may be recycled only if nothing of the old
//! process can be observed. [`Vm::scrub`] and `setup::reset` make it so:
//! - every root Lua code can reach is new: the globals table (and with it every library
//!   table, reopened lazily; `math` reseeded), the strings' metatable, the `require`
//!   cache, the process state and its registry references;
//! - what survives is either immutable to scripts (the userdata metatables, hidden by
//!   `__metatable`; the main thread, which no script can reach) or not observable
//!   (interned strings, the old process's garbage until it is collected; scripts have
//!   no `collectgarbage`, `debug` or heap enumeration);
//! - the memory limit counts the old garbage until collected, but Lua runs a full
//!   emergency collection before it reports a memory error, and a process gets a full
//!   collection the first time it waits, so a process never fails for garbage it did
//!   not make.
//!
//! `tests/lua/sandbox/recycled_vm_is_pristine.lua` checks this from Lua.
//!
//! # Ownership
//!
//! The pool is thread-local: a worker thread puts back the VMs of processes that ended
//! on it and takes from its own pool when it boots one. A VM is `Send`, so it may have
//! been built on another worker. VMs larger than [`MAX_RECYCLED_HEAP`] are closed
//! instead, and a pool holds at most [`POOL_CAPACITY`]; the rest are closed. The pool's
//! VMs are closed when the worker thread ends.

use super::instance::Vm;
use super::state::ProcState;
use std::cell::RefCell;
use wippy_runtime::StripedCounter;
use wippy_runtime::payload::ErrorValue;

/// Scrubbed VMs a worker keeps.
const POOL_CAPACITY: usize = 64;
/// A VM holding more than this when its process ends is closed, not kept: its garbage
/// would stay resident until the next process collects it.
const MAX_RECYCLED_HEAP: usize = 48 * 1024;

thread_local! {
    static POOL: RefCell<Vec<Vm>> = const { RefCell::new(Vec::new()) };
}

/// VMs taken from a pool rather than created, since the program started.
static REUSED: StripedCounter = StripedCounter::new();

/// How many process VMs were reused from a worker's pool instead of being created
/// (since the program started; for tests and measurements).
pub fn reused_vms() -> u64 {
    REUSED.sum()
}

/// A VM for a new process: a scrubbed one from this thread's pool, or a new one.
pub(crate) fn take(memory_limit: usize, state: ProcState) -> Result<Vm, ErrorValue> {
    let pooled = POOL.try_with(|pool| pool.borrow_mut().pop()).ok().flatten();
    match pooled {
        Some(mut vm) => {
            vm.adopt(memory_limit, state);
            REUSED.add(1);
            Ok(vm)
        }
        None => Vm::new(memory_limit, Some(state)),
    }
}

/// Ends the process of `vm`: scrubs it into this thread's pool, or closes it.
/// `finished_main` is the thread of the process's `main` if that returned normally (it
/// becomes the VM's spare thread, see `spare_thread.rs`), else null.
pub(crate) fn give_back(vm: Vm, finished_main: *mut mlua::ffi::lua_State) {
    let Some(vm) = vm.scrub(MAX_RECYCLED_HEAP, finished_main) else {
        return;
    };
    let rejected = POOL.try_with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.len() < POOL_CAPACITY {
            pool.push(vm);
            None
        } else {
            Some(vm)
        }
    });
    // A full pool, or a thread already tearing down: the VM is closed here.
    drop(rejected);
}
