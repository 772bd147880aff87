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
//!
//! # Rust memory charged to a VM
//!
//! Some of what a process keeps is Rust memory that Lua never allocates: the values a
//! channel buffers, the Rust value inside an error, payload or logger userdata, the
//! topics of `process.listen` and the names a process registers. Each is *charged* to
//! the VM's heap, so that it counts against the same limit as Lua's own bytes:
//!
//! - A charge adds to [`Heap::used`] (and to [`Heap::external`], which says how much of
//!   `used` is Rust memory), so [`allocate`]'s limit check sees Lua's and Rust's bytes
//!   together: once the Rust side holds most of the limit, Lua's own allocations fail.
//!   Lua's emergency collection before it reports such a failure calls no finalizers,
//!   so it releases no charge of a garbage userdata. So the charging functions below
//!   run a full collection themselves when a charge does not fit, and pace the
//!   collector by the bytes they charge, so that garbage holds little; and a Lua
//!   allocation that does not fit beside the charges, while Lua's own bytes would, is
//!   let through in the process being resumed, when it comes from an instruction of a
//!   Lua function (a concatenation, a table's growth), with a full collection at its
//!   next instruction (from the preemption hook, [`collect_if_due`]) that raises Lua's
//!   memory error there if the VM is still over its limit. The overshoot lasts one
//!   instruction, and Lua's own bytes never pass the limit. (An allocation by a C
//!   function, Lua's or ours, still fails at once: the next instruction after it may
//!   be outside the `pcall` that called it; ours collect before they charge.)
//! - [`Heap::charge`] refuses what does not fit ([`OverLimit`]); the caller then raises
//!   Lua's memory error (or, for a channel, has it raised when the send returns: see
//!   `vm/channel.rs`). [`Heap::charge_anyway`] is for memory made where nothing may
//!   fail (a channel buffer growing for a value the process's feed delivers), or after
//!   [`make_room`] made sure it fits; the next Lua allocation fails if the VM is over
//!   its limit.
//! - What arrives from elsewhere (the payloads of received messages, errors, a
//!   function's result) is charged when its userdata is made, even past the limit
//!   ([`charge_received`]): it exists already, and refusing it would not free it. What
//!   waits in the mailbox is not charged (like a message queue kept off the heap in
//!   BEAM), nor what a receive decodes into Lua values (Lua's allocator counts those).
//! - A userdata's charge is a [`Charge`], kept in the userdata beside its value
//!   ([`Charged`]) and released when the value is dropped (its `__gc`, or `lua_close`).
//!   [`charge`] also tells Lua's collector about the bytes: Lua's pacing only knows
//!   Lua's own allocations, so a script that makes a 4 MB payload per iteration and
//!   drops it would otherwise leave hundreds of them uncollected (each userdata is a
//!   few dozen Lua bytes). A charge of `n` KB runs the collector as if `n` KB had been
//!   allocated (`LUA_GCSTEP`), and a charge that does not fit runs a full collection
//!   first, as Lua does before it reports a memory error; so garbage never makes a
//!   charge fail, and dropped payloads are collected at the pace of their real size.
//! - A recycled VM starts with no charge ([`Heap::forget_external`], from `Vm::scrub`):
//!   the old process's charges are dropped from the account, and the old garbage that
//!   still holds a [`Charge`] releases nothing when it is collected later, because the
//!   heap's `epoch` changed.
//!
//! Everything here runs on the thread that runs the VM (charges are made by bound
//! functions and by the process's channels, released by finalizers and by the
//! process's state as it is dropped), like [`allocate`]: plain adds and compares.

use crate::vm::lua::Lua;
use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc};
use mlua::ffi;
use std::ffi::{c_int, c_void};

/// Runs the full collection an allocation past the limit made due (see
/// `Heap::defer_collection`), from the preemption hook: garbage userdata release their
/// charges; if the VM is still over its limit, raises Lua's memory error, as the
/// allocation would have.
///
/// # Safety
///
/// `state` is the running thread, inside a hook, with nothing of Rust's that owns
/// anything between here and where the error is caught.
pub(crate) unsafe fn collect_if_due(state: *mut ffi::lua_State) {
    // SAFETY: `state` is a live thread (guaranteed by the caller).
    let heap = heap_of(unsafe { Lua::from_raw(state) });
    // SAFETY: null or the heap of the running VM, on its thread; no reference to it is
    // held across the collection (finalizers release charges into it).
    if heap.is_null() || !unsafe { (*heap).collection_due } {
        return;
    }
    // SAFETY: as above; then a full collection from a hook (our finalizers raise
    // nothing), and, over the limit, Lua's memory error, which the caller allows.
    unsafe {
        (*heap).collection_due = false;
        ffi::lua_gc(state, ffi::LUA_GCCOLLECT);
        if (*heap).limit > 0 && (*heap).used > (*heap).limit {
            raise_memory_error(state);
        }
    }
}

/// Raises Lua's memory error on `state` (Lua makes one of an error whose value is its
/// own "not enough memory" string, and calls no message handler for it).
///
/// # Safety
///
/// `state` is the running thread, inside a hook or a C function; no Rust frame owning
/// anything is between here and where the error is caught.
pub(crate) unsafe fn raise_memory_error(state: *mut ffi::lua_State) -> ! {
    // SAFETY: guaranteed by the caller; the string is short, so Lua interns it as the
    // very string it keeps for memory errors.
    unsafe {
        ffi::lua_pushstring(state, c"not enough memory".as_ptr());
        ffi::lua_error(state)
    }
}

/// Lua's largest alignment need (`LUAI_MAXALIGN`: doubles, pointers, 64-bit integers).
/// Userdata holding Rust values are checked against it at compile time.
pub(crate) const ALIGN: usize = 8;

/// The byte count and limit of one VM.
#[derive(Debug)]
pub(crate) struct Heap {
    /// Bytes the VM holds now: Lua's blocks and the Rust memory charged to it.
    pub(crate) used: usize,
    /// Most bytes the VM may hold (0 = no limit).
    pub(crate) limit: usize,
    /// The part of `used` that is Rust memory charged to the VM (see the module docs).
    external: usize,
    /// Bumped when the charges are forgotten ([`forget_external`](Self::forget_external)):
    /// a [`Charge`] made before releases nothing.
    epoch: u64,
    /// An allocation passed the limit on the strength of the charges, which garbage may
    /// hold: a full collection is due at the next hook ([`collect_if_due`]).
    collection_due: bool,
}

/// What an `Arc`'s block adds to its value (the two counts), for the sizes charged.
pub(crate) const ARC_HEADER: usize = 2 * std::mem::size_of::<usize>();

/// A charge the VM's memory limit has no room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OverLimit {
    /// The bytes that were to be charged.
    pub(crate) bytes: usize,
}

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no room for {} more bytes under the memory limit",
            self.bytes
        )
    }
}

impl std::error::Error for OverLimit {}

impl Heap {
    pub(crate) fn new(limit: usize) -> Heap {
        Heap {
            used: 0,
            limit,
            external: 0,
            epoch: 0,
            collection_due: false,
        }
    }

    /// `true` if an allocation passed the limit and the full collection that decides
    /// whether it may stay there has not run yet (see [`allocate`]).
    pub(crate) fn collection_due(&self) -> bool {
        self.collection_due
    }

    /// `true` if `bytes` more fit under the limit.
    #[inline]
    pub(crate) fn fits(&self, bytes: usize) -> bool {
        self.limit == 0 || self.used.saturating_add(bytes) <= self.limit
    }

    /// Charges `bytes` of Rust memory, if they fit under the limit.
    ///
    /// # Errors
    ///
    /// [`OverLimit`]: they do not fit (nothing is charged).
    #[inline]
    pub(crate) fn charge(&mut self, bytes: usize) -> Result<(), OverLimit> {
        if !self.fits(bytes) {
            return Err(OverLimit { bytes });
        }
        self.charge_anyway(bytes);
        Ok(())
    }

    /// Charges `bytes` of Rust memory even past the limit (for memory already made
    /// where nothing may fail: the next Lua allocation fails instead).
    #[inline]
    pub(crate) fn charge_anyway(&mut self, bytes: usize) {
        self.used += bytes;
        self.external += bytes;
    }

    /// Releases `bytes` charged earlier in this epoch.
    #[inline]
    pub(crate) fn release(&mut self, bytes: usize) {
        debug_assert!(bytes <= self.external, "released more than was charged");
        let bytes = bytes.min(self.external);
        self.used -= bytes;
        self.external -= bytes;
    }

    /// Rust bytes charged now.
    pub(crate) fn external(&self) -> usize {
        self.external
    }

    /// Drops every charge from the account (a VM scrubbed for the next process): what
    /// still holds a [`Charge`] of an earlier epoch releases nothing.
    pub(crate) fn forget_external(&mut self) {
        self.used -= self.external;
        self.external = 0;
        self.epoch += 1;
        self.collection_due = false;
    }

    /// An allocation of `growth` more bytes does not fit under the limit: lets it pass
    /// if Lua's own bytes would still fit and the rest is charged Rust memory, which
    /// garbage userdata may hold (Lua's emergency collection runs no finalizers, so it
    /// could not release them), and has a full collection run at the resumed process's
    /// next instruction ([`collect_if_due`]), which raises the memory error if the VM is
    /// still over its limit. Only for the VM of the process being resumed on this
    /// thread, and only while it runs a Lua function (see
    /// `preempt::arm_running_in_lua_function`); any other allocation over the limit
    /// fails at once.
    #[cold]
    fn defer_collection(&mut self, ud: *mut c_void, growth: usize) -> bool {
        let own = self.used - self.external;
        if self.external == 0 || own + growth > self.limit {
            return false;
        }
        if !super::preempt::arm_running_in_lua_function(ud) {
            return false;
        }
        self.collection_due = true;
        true
    }
}

/// The heap of the VM `lua` belongs to; null for a VM whose allocator is not ours.
pub(crate) fn heap_of(lua: Lua) -> *mut Heap {
    let mut ud = std::ptr::null_mut();
    // SAFETY: live state; reads the allocator and its data.
    let alloc = unsafe { ffi::lua_getallocf(lua.raw(), &mut ud) };
    let ours: unsafe extern "C" fn(*mut c_void, *mut c_void, usize, usize) -> *mut c_void =
        allocate;
    if alloc as usize != ours as usize {
        return std::ptr::null_mut();
    }
    ud.cast()
}

/// Rust bytes charged to a VM by one value; released when dropped (in the same epoch).
///
/// # Who touches what
///
/// Made by [`charge`] in a bound function, dropped with the value it
/// stands for: by the userdata's `__gc`, or by `lua_close`, which `Vm`'s drop runs before
/// it frees the heap. So the heap outlives every `Charge`, and both are used by the
/// thread running the VM only.
#[derive(Debug)]
pub(crate) struct Charge {
    heap: *mut Heap,
    bytes: usize,
    epoch: u64,
}

impl Charge {
    /// A charge of nothing (a VM without a heap of ours).
    pub(crate) const NONE: Charge = Charge {
        heap: std::ptr::null_mut(),
        bytes: 0,
        epoch: 0,
    };
}

impl Drop for Charge {
    fn drop(&mut self) {
        if self.heap.is_null() || self.bytes == 0 {
            return;
        }
        // SAFETY: the heap outlives every charge made on it (see the type's docs), and
        // this runs on the thread that runs its VM.
        let heap = unsafe { &mut *self.heap };
        if heap.epoch == self.epoch {
            heap.release(self.bytes);
        }
    }
}

/// Charges below this are not reported to the collector ([`charge`]).
const STEP_BYTES: usize = 1024;

/// Charges `bytes` of Rust memory to the VM of `lua`, in a bound function (not in a
/// finalizer). When they do not fit, a full collection runs first (garbage userdata
/// release their charges) and the charge is tried again. A charge of `n` KB runs the
/// collector as much as `n` KB of Lua allocations would.
///
/// # Errors
///
/// [`OverLimit`]: the VM is at its memory limit; the caller drops the value and raises
/// Lua's memory error (`Raise::Memory`).
pub(crate) fn charge(lua: Lua, bytes: usize) -> Result<Charge, OverLimit> {
    let heap = heap_of(lua);
    if heap.is_null() {
        return Ok(Charge::NONE);
    }
    // SAFETY: the heap of the running VM; no reference to it is held across the
    // collection below (finalizers release charges into it).
    let fits = |heap: *mut Heap| unsafe { (*heap).fits(bytes) };
    if !fits(heap) {
        // SAFETY: live state, inside a bound function: a full collection runs only our
        // finalizers, which raise nothing (`vm/lua.rs`).
        unsafe { ffi::lua_gc(lua.raw(), ffi::LUA_GCCOLLECT) };
        if !fits(heap) {
            return Err(OverLimit { bytes });
        }
    }
    let charge = make_charge(heap, bytes);
    step_collector(lua, bytes);
    Ok(charge)
}

/// Charges `bytes` of Rust memory that arrived from elsewhere and is already made (the
/// payload of a received message, a function's result, the error of an EXIT event), in
/// a bound function: even past the limit, since refusing would not free it; the
/// script's next allocation then fails (as for the values a feed buffers,
/// `vm/channel.rs`). As in [`charge`], a full collection runs first when the bytes do
/// not fit, and a charge of `n` KB runs the collector as much as `n` KB of Lua
/// allocations would, so that dropped messages are collected at the pace of their
/// size. (The collection must come from here: the emergency collection Lua runs when
/// an allocation fails calls no finalizers, so it releases no charge.)
pub(crate) fn charge_received(lua: Lua, bytes: usize) -> Charge {
    if bytes == 0 {
        return Charge::NONE;
    }
    let heap = heap_of(lua);
    if heap.is_null() {
        return Charge::NONE;
    }
    // SAFETY: the heap of the running VM; no reference to it is held across the
    // collection (finalizers release charges into it).
    if !unsafe { (*heap).fits(bytes) } {
        // SAFETY: as in `charge`.
        unsafe { ffi::lua_gc(lua.raw(), ffi::LUA_GCCOLLECT) };
    }
    let charge = make_charge(heap, bytes);
    step_collector(lua, bytes);
    charge
}

/// Runs the collector of the VM of `lua` as much as `bytes` of Lua allocations would
/// (nothing below [`STEP_BYTES`]), in a bound function.
fn step_collector(lua: Lua, bytes: usize) {
    if bytes >= STEP_BYTES {
        let kb = c_int::try_from(bytes / 1024).unwrap_or(c_int::MAX);
        // SAFETY: live state, inside a bound function: a step runs only our finalizers,
        // which raise nothing (`vm/lua.rs`); it adds `kb` KB to the collector's debt and
        // runs it.
        unsafe { ffi::lua_gc(lua.raw(), ffi::LUA_GCSTEP, kb) };
    }
}

/// Makes sure `bytes` more fit under the memory limit of the VM of `lua`, in a bound
/// function: a full collection runs first when they do not (as in [`charge`]). Charges
/// nothing; for a caller that charges a structure of its own right after (a channel).
///
/// # Errors
///
/// [`OverLimit`]: they do not fit even after the collection.
pub(crate) fn make_room(lua: Lua, bytes: usize) -> Result<(), OverLimit> {
    let heap = heap_of(lua);
    // SAFETY: null or the heap of the running VM; no reference to it is held across the
    // collection (finalizers release charges into it).
    let fits = |heap: *mut Heap| unsafe { heap.as_ref().is_none_or(|h| h.fits(bytes)) };
    if fits(heap) {
        return Ok(());
    }
    // SAFETY: as in `charge`.
    unsafe { ffi::lua_gc(lua.raw(), ffi::LUA_GCCOLLECT) };
    if fits(heap) {
        Ok(())
    } else {
        Err(OverLimit { bytes })
    }
}

/// Charges `bytes` of Rust memory that the running process holds until it releases them
/// with [`release_held`] or ends (the names it registered: the runtime keeps them), with
/// a full collection first if they do not fit.
///
/// # Errors
///
/// [`OverLimit`]: they do not fit even after the collection (nothing is charged).
pub(crate) fn charge_held(lua: Lua, bytes: usize) -> Result<(), OverLimit> {
    make_room(lua, bytes)?;
    let heap = heap_of(lua);
    // SAFETY: null or the heap of the running VM, on its thread.
    if let Some(heap) = unsafe { heap.as_mut() } {
        heap.charge_anyway(bytes);
    }
    Ok(())
}

/// Releases what [`charge_held`] charged.
pub(crate) fn release_held(lua: Lua, bytes: usize) {
    let heap = heap_of(lua);
    // SAFETY: null or the heap of the running VM, on its thread.
    if let Some(heap) = unsafe { heap.as_mut() } {
        heap.release(bytes);
    }
}

fn make_charge(heap: *mut Heap, bytes: usize) -> Charge {
    // SAFETY: a live heap of the running VM, on its thread.
    let heap_ref = unsafe { &mut *heap };
    heap_ref.charge_anyway(bytes);
    Charge {
        heap,
        bytes,
        epoch: heap_ref.epoch,
    }
}

/// A userdata's Rust value with its [`Charge`]: the charge is released when the value
/// is dropped.
#[derive(Debug)]
pub(crate) struct Charged<T> {
    pub(crate) value: T,
    /// Kept for its drop.
    #[allow(dead_code)]
    charge: Charge,
}

impl<T> Charged<T> {
    pub(crate) fn new(value: T, charge: Charge) -> Charged<T> {
        Charged { value, charge }
    }
}

impl<T> std::ops::Deref for Charged<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A pointer to a VM's heap for Rust structures that charge it as they grow (a
/// process's channels); null charges nothing.
///
/// # Who touches what
///
/// Set by `Vm::new`/`Vm::adopt` on the process state the VM owns; the state is dropped
/// before the heap (`Vm::scrub`, `Vm`'s drop), and both are used by the thread running
/// the VM only.
#[derive(Debug)]
pub(crate) struct HeapRef(*mut Heap);

impl Default for HeapRef {
    fn default() -> HeapRef {
        HeapRef(std::ptr::null_mut())
    }
}

impl HeapRef {
    pub(crate) fn new(heap: *mut Heap) -> HeapRef {
        HeapRef(heap)
    }

    /// [`Heap::charge`]; always fits without a heap.
    ///
    /// # Errors
    ///
    /// [`OverLimit`]: the bytes do not fit.
    #[inline]
    pub(crate) fn charge(&self, bytes: usize) -> Result<(), OverLimit> {
        // SAFETY: null or a heap that outlives the holder (see the type's docs).
        match unsafe { self.0.as_mut() } {
            Some(heap) => heap.charge(bytes),
            None => Ok(()),
        }
    }

    /// [`Heap::fits`]; always `true` without a heap.
    pub(crate) fn fits(&self, bytes: usize) -> bool {
        // SAFETY: as in `charge`.
        unsafe { self.0.as_ref() }.is_none_or(|heap| heap.fits(bytes))
    }

    /// [`Heap::charge_anyway`].
    #[inline]
    pub(crate) fn charge_anyway(&self, bytes: usize) {
        // SAFETY: as in `charge`.
        if let Some(heap) = unsafe { self.0.as_mut() } {
            heap.charge_anyway(bytes);
        }
    }

    /// [`Heap::release`].
    #[inline]
    pub(crate) fn release(&self, bytes: usize) {
        // SAFETY: as in `charge`.
        if let Some(heap) = unsafe { self.0.as_mut() } {
            heap.release(bytes);
        }
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
        // SAFETY: as this function's contract.
        return unsafe { allocate_over_limit(ud, ptr, old, nsize) };
    }
    // SAFETY: as this function's contract, with `old` the block's size.
    unsafe { reallocate(heap, ptr, old, nsize) }
}

/// [`allocate`] of a block that does not fit under the limit, out of its fast path:
/// null (Lua turns that into a memory error, after one emergency collection), unless
/// the VM may pass the limit until its next instruction (`Heap::defer_collection`).
///
/// # Safety
///
/// As [`allocate`], with `old` the size of `ptr`'s block (0 for none).
#[cold]
#[inline(never)]
unsafe fn allocate_over_limit(
    ud: *mut c_void,
    ptr: *mut c_void,
    old: usize,
    nsize: usize,
) -> *mut c_void {
    // SAFETY: `ud` is this VM's Heap (see `allocate`), used by this thread only.
    let heap = unsafe { &mut *ud.cast::<Heap>() };
    if !heap.defer_collection(ud, nsize - old) {
        return std::ptr::null_mut();
    }
    // SAFETY: as this function's contract.
    unsafe { reallocate(heap, ptr, old, nsize) }
}

/// Allocates (`ptr` null) or resizes a block for [`allocate`] and counts it.
///
/// # Safety
///
/// `ptr` is null or a live block of this allocator of `old` bytes; `nsize` > 0.
#[inline(always)]
unsafe fn reallocate(heap: &mut Heap, ptr: *mut c_void, old: usize, nsize: usize) -> *mut c_void {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `used` and `external` of the heap at `h`.
    fn counts(h: *mut Heap) -> (usize, usize) {
        // SAFETY: `h` points to a live heap of the calling test, used by this thread.
        unsafe { ((*h).used, (*h).external()) }
    }

    /// A heap for a test, reached only through the returned pointer (as a VM's is).
    fn heap(limit: usize, used: usize) -> *mut Heap {
        let mut heap = Heap::new(limit);
        heap.used = used;
        Box::into_raw(Box::new(heap))
    }

    fn free(h: *mut Heap) {
        // SAFETY: `h` came from `Box::into_raw` in `heap` and is no longer used.
        drop(unsafe { Box::from_raw(h) });
    }

    #[test]
    fn a_charge_counts_against_the_limit_and_is_released_once() {
        let h = heap(100, 40);
        // SAFETY: the test's live heap, on this thread.
        assert_eq!(unsafe { (*h).charge(70) }, Err(OverLimit { bytes: 70 }));
        assert_eq!(counts(h), (40, 0));
        let charge = make_charge(h, 60);
        assert_eq!(counts(h), (100, 60));
        // SAFETY: as above.
        assert!(!unsafe { (*h).fits(1) });
        drop(charge);
        assert_eq!(counts(h), (40, 0));
        free(h);
    }

    #[test]
    fn a_charge_made_before_the_charges_were_forgotten_releases_nothing() {
        let h = heap(0, 0);
        let old = make_charge(h, 30);
        // SAFETY: the test's live heap, on this thread.
        unsafe { (*h).forget_external() };
        assert_eq!(counts(h), (0, 0));
        let new = make_charge(h, 10);
        drop(old);
        assert_eq!(counts(h), (10, 10));
        drop(new);
        assert_eq!(counts(h), (0, 0));
        free(h);
    }

    #[test]
    fn without_a_limit_everything_fits() {
        let h = heap(0, usize::MAX - 1);
        // SAFETY: the test's live heap, on this thread.
        assert!(unsafe { (*h).fits(usize::MAX) });
        free(h);
    }
}
