//! The process table: slots that map a [`Pid`] to its process, readable without a lock.
//!
//! Slots live in pages of growing size (64, 128, 256, ... slots), allocated on first
//! use and never freed before the table, so a slot's address is stable. A slot is an
//! `AtomicPtr` to the process (a pointer obtained from `Arc::into_raw`: the table owns
//! one strong reference). A stale [`Pid`] is caught by comparing the whole id,
//! generation included, with the id stored in the process.
//!
//! Reclamation uses epochs (`crossbeam-epoch`): a reader pins the current epoch, loads
//! the pointer and takes its own reference (or uses the process in place) before
//! unpinning; `release` swaps the slot to null and defers dropping the table's
//! reference until every thread pinned at that time has unpinned. So a reader never
//! touches a freed process, and the send path takes no lock. The process *body* is not
//! affected: the scheduler drops it when the process exits; only the record (state
//! word, empty queues, and messages that arrived too late) waits for the epoch.
//!
//! Who touches what:
//! - `publish` (spawn) and `release` (exit) write a slot. Freed indices go to a
//!   free-list *shard*: one per worker and one for threads outside the scheduler, each
//!   a short `Mutex<VecDeque<u32>>` that only its owner normally takes, so spawns and
//!   exits on different workers do not contend. A shard that runs dry steals a batch
//!   from the others before it hands out a never-used index.
//! - `get`/`with` (send, notify, monitor) read a slot from any thread.
//! - A slot index is reused first-in-first-out after its generation moved on, which
//!   makes the reuse of a recent id as late as possible; after its 2^32nd process a
//!   slot is retired, so no id ever comes back.
//!
//! The table is not part of the loom models (loom cannot model epochs); its atomics
//! are `std`'s.

use crate::pid::Pid;
use crossbeam_epoch as epoch;
use crossbeam_utils::CachePadded;
use std::collections::VecDeque;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

const FIRST_PAGE: usize = 64;
/// Enough pages for 2^32 slots: page `k` holds `FIRST_PAGE << k` slots.
const PAGES: usize = 27;

/// A table entry type: anything that knows the id it was inserted under.
pub(crate) trait Entry {
    fn pid(&self) -> Pid;
}

struct Slot<T> {
    /// `Arc::into_raw` of the live process in this slot, or null. Stored with Release
    /// (pairs with readers' Acquire loads, which then see an initialised process).
    entry: AtomicPtr<T>,
    /// The generation the next process in this slot gets. Written by `release` before
    /// the index enters a free list, read by `reserve` after it left one (the shard
    /// lock orders the two).
    generation: AtomicU32,
}

pub(crate) struct Table<T> {
    pages: [OnceLock<Box<[Slot<T>]>>; PAGES],
    /// Freed slot indices, oldest first, per shard.
    free: Box<[CachePadded<parking_lot::Mutex<VecDeque<u32>>>]>,
    /// The lowest index never handed out.
    fresh: AtomicU64,
}

/// How many indices a dry shard takes from another at once.
const STEAL_BATCH: usize = 64;

/// The table's reference to a released process, dropped once no reader can see it.
struct Retired<T>(*const T);

// SAFETY: a `Retired` only carries an `Arc<T>` reference (as a raw pointer) to the
// epoch collector's thread, which drops it; `Arc<T>` is `Send` when `T: Send + Sync`.
unsafe impl<T: Send + Sync> Send for Retired<T> {}

fn locate(index: u32) -> (usize, usize) {
    let scaled = index as usize / FIRST_PAGE + 1;
    let page = (usize::BITS - 1 - scaled.leading_zeros()) as usize;
    let page_start = FIRST_PAGE * ((1 << page) - 1);
    (page, index as usize - page_start)
}

impl<T: Entry + Send + Sync + 'static> Table<T> {
    /// A table whose free list has `shards` shards (callers name theirs by index).
    pub(crate) fn new(shards: usize) -> Self {
        Self {
            pages: std::array::from_fn(|_| OnceLock::new()),
            free: (0..shards.max(1))
                .map(|_| CachePadded::new(parking_lot::Mutex::new(VecDeque::new())))
                .collect(),
            fresh: AtomicU64::new(0),
        }
    }

    fn slot(&self, index: u32) -> Option<&Slot<T>> {
        let (page, offset) = locate(index);
        self.pages[page].get().map(|slots| &slots[offset])
    }

    fn slot_or_alloc(&self, index: u32) -> &Slot<T> {
        let (page, offset) = locate(index);
        let slots = self.pages[page].get_or_init(|| {
            (0..FIRST_PAGE << page)
                .map(|_| Slot {
                    entry: AtomicPtr::new(ptr::null_mut()),
                    generation: AtomicU32::new(0),
                })
                .collect()
        });
        &slots[offset]
    }

    /// Reserves a slot and returns the id a new process in it gets. The caller must
    /// [`publish`](Table::publish) the process under that id. `shard` is the caller's
    /// free-list shard (any index; it is reduced modulo the shard count).
    pub(crate) fn reserve(&self, shard: usize) -> Option<Pid> {
        let shard = shard % self.free.len();
        // A separate statement: the shard's guard must be gone before `steal_into`.
        let own = self.free[shard].lock().pop_front();
        let index = match own {
            Some(index) => index,
            None => match self.steal_into(shard) {
                Some(index) => index,
                None => u32::try_from(self.fresh.fetch_add(1, Ordering::Relaxed)).ok()?,
            },
        };
        let generation = self.slot_or_alloc(index).generation.load(Ordering::Acquire);
        Some(Pid::new(index, generation))
    }

    /// Moves a batch of free indices from another shard into `shard`; returns one.
    fn steal_into(&self, shard: usize) -> Option<u32> {
        for offset in 1..self.free.len() {
            let victim = (shard + offset) % self.free.len();
            let mut batch: VecDeque<u32> = {
                let mut other = self.free[victim].lock();
                let take = other.len().div_ceil(2).min(STEAL_BATCH);
                other.drain(..take).collect()
            };
            if let Some(index) = batch.pop_front() {
                if !batch.is_empty() {
                    self.free[shard].lock().extend(batch);
                }
                return Some(index);
            }
        }
        None
    }

    /// Makes `entry` reachable under its id (from [`reserve`](Table::reserve)).
    pub(crate) fn publish(&self, entry: Arc<T>) {
        let slot = self.slot_or_alloc(entry.pid().index());
        let previous = slot
            .entry
            .swap(Arc::into_raw(entry).cast_mut(), Ordering::AcqRel);
        debug_assert!(previous.is_null(), "a reserved slot is empty");
    }

    /// Calls `f` with the live process with this id, without touching its refcount.
    pub(crate) fn with<R>(&self, pid: Pid, f: impl FnOnce(&Arc<T>) -> R) -> Option<R> {
        let slot = self.slot(pid.index())?;
        let _guard = epoch::pin();
        // Acquire pairs with the Release in `publish`.
        let raw = slot.entry.load(Ordering::Acquire);
        if raw.is_null() {
            return None;
        }
        // SAFETY: `raw` came from `Arc::into_raw` in `publish`, and the table's strong
        // reference is only dropped by an epoch-deferred `Retired`, which cannot run
        // while we are pinned. `ManuallyDrop` keeps our borrowed view from releasing it.
        let entry = std::mem::ManuallyDrop::new(unsafe { Arc::from_raw(raw) });
        if entry.pid() == pid {
            Some(f(&entry))
        } else {
            None
        }
    }

    /// The live process with this id, if any.
    pub(crate) fn get(&self, pid: Pid) -> Option<Arc<T>> {
        self.with(pid, Arc::clone)
    }

    /// Empties the slot of `pid` and makes the index reusable under a new generation,
    /// in the free-list `shard`.
    pub(crate) fn release(&self, pid: Pid, shard: usize) {
        let slot = self.slot_or_alloc(pid.index());
        let guard = epoch::pin();
        let raw = slot.entry.load(Ordering::Acquire);
        // SAFETY: as in `with`: pinned, so a non-null `raw` is a live process.
        let matches = !raw.is_null() && unsafe { (*raw).pid() } == pid;
        if matches
            && slot
                .entry
                .compare_exchange(raw, ptr::null_mut(), Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            let retired = Retired(raw.cast_const());
            // SAFETY: the slot no longer holds `raw`, so no new reader can find it; the
            // closure drops the table's reference after every current reader unpinned.
            unsafe {
                guard.defer_unchecked(move || {
                    let retired = retired;
                    drop(Arc::from_raw(retired.0));
                });
            }
        }
        drop(guard);
        let next = pid.generation().wrapping_add(1);
        slot.generation.store(next, Ordering::Release);
        // A slot that has used up its 2^32 generations is retired, not reused: a
        // generation seen again would let an old id reach the new process.
        if next != 0 {
            self.free[shard % self.free.len()]
                .lock()
                .push_back(pid.index());
        }
    }

    /// Every live process, in slot order (a snapshot; processes may come and go).
    pub(crate) fn live(&self) -> Vec<Arc<T>> {
        let mut out = Vec::new();
        for page in &self.pages {
            let Some(slots) = page.get() else { break };
            for slot in slots.iter() {
                let _guard = epoch::pin();
                let raw = slot.entry.load(Ordering::Acquire);
                if !raw.is_null() {
                    // SAFETY: as in `with`.
                    let entry = std::mem::ManuallyDrop::new(unsafe { Arc::from_raw(raw) });
                    out.push(Arc::clone(&entry));
                }
            }
        }
        out
    }

    /// Empties every slot (used once all workers have stopped); the entries are
    /// dropped by the epoch collector once no reader can see them.
    pub(crate) fn clear(&self) {
        for page in &self.pages {
            let Some(slots) = page.get() else { break };
            for slot in slots.iter() {
                let raw = slot.entry.swap(ptr::null_mut(), Ordering::AcqRel);
                if !raw.is_null() {
                    let pid = {
                        // SAFETY: the table's own reference, not yet retired.
                        unsafe { (*raw).pid() }
                    };
                    // Put it back and retire it through the normal path.
                    slot.entry.store(raw, Ordering::Release);
                    self.release(pid, 0);
                }
            }
        }
        // Run the deferred drops now rather than at some later pin.
        for _ in 0..4 {
            epoch::pin().flush();
        }
    }
}

impl<T> Drop for Table<T> {
    fn drop(&mut self) {
        for page in &mut self.pages {
            let Some(slots) = page.get_mut() else { break };
            for slot in slots.iter_mut() {
                let raw = *slot.entry.get_mut();
                if !raw.is_null() {
                    // SAFETY: `&mut self`: no reader is left; this is the table's own
                    // reference from `publish`.
                    drop(unsafe { Arc::from_raw(raw) });
                }
            }
        }
    }
}

impl<T> std::fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod test;
