//! The allocator handed to `lua_newstate`: the system allocator plus a byte count, so
//! that each VM has its own memory limit.
//!
//! One [`Heap`] belongs to one VM. Lua calls [`allocate`] only from the thread that runs
//! the VM at that moment (a VM moves between workers with its process, but never runs on
//! two at once), so the counter needs no atomics.

use std::alloc::{Layout, alloc, dealloc, realloc};
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
            // SAFETY: `ptr` came from this allocator with size `osize` (Lua's contract).
            unsafe { dealloc(ptr.cast(), Layout::from_size_align_unchecked(old, ALIGN)) };
            heap.used -= old;
        }
        return std::ptr::null_mut();
    }
    if heap.limit > 0 && nsize > old && heap.used + (nsize - old) > heap.limit {
        // Lua turns this into a memory error (after one emergency collection).
        return std::ptr::null_mut();
    }
    let Ok(layout) = Layout::from_size_align(nsize, ALIGN) else {
        return std::ptr::null_mut();
    };
    let block = if ptr.is_null() {
        // SAFETY: `layout` has a non-zero size.
        unsafe { alloc(layout) }
    } else {
        // SAFETY: `ptr` was allocated here with size `old` and this alignment; `nsize` is
        // non-zero and fits a Layout (checked above).
        unsafe {
            realloc(
                ptr.cast(),
                Layout::from_size_align_unchecked(old, ALIGN),
                nsize,
            )
        }
    };
    if !block.is_null() {
        heap.used = heap.used - old + nsize;
    }
    block.cast()
}
