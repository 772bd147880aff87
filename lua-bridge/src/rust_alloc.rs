//! [`MiMalloc`]: mimalloc as Rust's global allocator, for the `wippy` binary and the
//! benches (`#[global_allocator]` belongs to a binary, not to this library).
//!
//! The `mimalloc` crate's allocator passes every request to `mi_malloc_aligned`. For a
//! block whose size class happens to have no free block at hand (the common case when
//! one message node is freed and the next allocated, over and over), that entry point
//! takes a generic aligned path that costs about 135 instructions per allocation under
//! callgrind. Nearly all Rust layouts need no more than the 8-byte alignment every
//! mimalloc block has, so those go to plain `mi_malloc`; the rest keep the aligned
//! calls.

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment every mimalloc block has, whatever its size.
const BLOCK_ALIGN: usize = 8;

/// mimalloc through its plain entry points where the layout allows (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct MiMalloc;

// SAFETY: every block comes from mimalloc and goes back to `mi_free` (which takes blocks
// from any of its allocation functions); a block is at least `layout.size()` bytes and
// aligned to `layout.align()`: plain calls only serve alignments up to BLOCK_ALIGN, which
// every block has, and larger alignments go to the aligned calls.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's allocation functions take any size.
        unsafe {
            if layout.align() <= BLOCK_ALIGN {
                mi_malloc(layout.size()).cast()
            } else {
                mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe {
            if layout.align() <= BLOCK_ALIGN {
                mi_zalloc(layout.size()).cast()
            } else {
                mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from one of this allocator's functions (GlobalAlloc's
        // contract), all of which mimalloc frees with `mi_free`.
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` is a live block of this allocator with `layout` (GlobalAlloc's
        // contract); the new block keeps the alignment as in `alloc`.
        unsafe {
            if layout.align() <= BLOCK_ALIGN {
                mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MiMalloc;
    use std::alloc::{GlobalAlloc, Layout};

    /// Every size and alignment a layout may have comes back aligned, writable, and
    /// (zeroed or reallocated) with the contents it must have.
    #[test]
    fn blocks_are_aligned_and_keep_their_contents() {
        let alloc = MiMalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 7, 8, 15, 16, 24, 40, 100, 1000, 70_000] {
                let layout = Layout::from_size_align(size, align).expect("valid layout");
                // SAFETY: non-zero sizes; every block is freed once with its layout.
                unsafe {
                    let zeroed = alloc.alloc_zeroed(layout);
                    assert!(!zeroed.is_null());
                    assert_eq!(zeroed as usize % align, 0, "zeroed {size}/{align}");
                    assert!(
                        std::slice::from_raw_parts(zeroed, size)
                            .iter()
                            .all(|b| *b == 0)
                    );
                    alloc.dealloc(zeroed, layout);

                    let block = alloc.alloc(layout);
                    assert!(!block.is_null());
                    assert_eq!(block as usize % align, 0, "alloc {size}/{align}");
                    for i in 0..size {
                        *block.add(i) = (i % 251) as u8;
                    }
                    let grown = alloc.realloc(block, layout, size * 3);
                    assert!(!grown.is_null());
                    assert_eq!(grown as usize % align, 0, "realloc {size}/{align}");
                    for i in 0..size {
                        assert_eq!(*grown.add(i), (i % 251) as u8, "byte {i} of {size}/{align}");
                    }
                    let grown_layout = Layout::from_size_align(size * 3, align).expect("valid");
                    alloc.dealloc(grown, grown_layout);
                }
            }
        }
    }
}
