//! The allocator handed to `lua_newstate`: mimalloc plus a byte count, so that each VM
//! has its own memory limit.
//!
//! Why mimalloc rather than the system allocator: a VM is built on one worker and often
//! closed on another, and Lua's blocks are small. glibc serves that with per-arena
//! locks (contended once two workers free each other's blocks) and a 16-byte header
//! per block (about 17 % over what Lua asks for); mimalloc has per-thread heaps with
//! lock-free cross-thread frees and size-segregated pages without headers.
//!
//! One [`Heap`] belongs to one VM. Lua calls [`allocate`] only from the thread that runs
//! the VM at that moment (a VM moves between workers with its process, but never runs on
//! two at once), so the counter needs no atomics.

use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc};
use std::ffi::c_void;

/// Lua's largest alignment need (`LUAI_MAXALIGN`: doubles, pointers, 64-bit integers).
/// Userdata holding Rust values are checked against it at compile time.
pub(crate) const ALIGN: usize = 8;

/// The byte count and limit of one VM.
#[derive(Debug)]
pub(crate) struct Heap {
    /// Bytes Lua holds now.
    pub(crate) used: usize,
    /// Most bytes Lua may hold (0 = no limit).
    pub(crate) limit: usize,
}

impl Heap {
    pub(crate) fn new(limit: usize) -> Heap {
        Heap { used: 0, limit }
    }
}

/// The `lua_Alloc` of every process VM: `ud` is the VM's [`Heap`].
///
/// # Safety
///
/// Called by Lua only, with `ud` the `Heap` given to `lua_newstate` (alive until after
/// `lua_close`), and `ptr`/`osize` a block this function returned earlier with that size
/// (or null).
pub(crate) unsafe extern "C" fn allocate(
    ud: *mut c_void,
    ptr: *mut c_void,
    osize: usize,
    nsize: usize,
) -> *mut c_void {
    // SAFETY: `ud` is this VM's Heap (see the contract above) and only this thread uses it.
    let heap = unsafe { &mut *ud.cast::<Heap>() };
    // When `ptr` is null, `osize` encodes an object type, not a size.
    let old = if ptr.is_null() { 0 } else { osize };
    if nsize == 0 {
        if !ptr.is_null() {
            // SAFETY: `ptr` came from this allocator (Lua's contract).
            unsafe { mi_free(ptr) };
            heap.used -= old;
        }
        return std::ptr::null_mut();
    }
    if heap.limit > 0 && nsize > old && heap.used + (nsize - old) > heap.limit {
        // Lua turns this into a memory error (after one emergency collection).
        return std::ptr::null_mut();
    }
    // mimalloc aligns every block to at least 8 bytes (`ALIGN`); 16 from 16 bytes up.
    let block = if ptr.is_null() {
        // SAFETY: plain allocation of a non-zero size.
        unsafe { mi_malloc(nsize) }
    } else {
        // SAFETY: `ptr` was allocated here and is still live (Lua's contract).
        unsafe { mi_realloc(ptr, nsize) }
    };
    if !block.is_null() {
        heap.used = heap.used - old + nsize;
    }
    block.cast()
}
