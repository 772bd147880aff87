//! The process table: slots that map a [`Pid`] to its process, readable without a lock.
//!
//! Slots live in pages of growing size (64, 128, 256, ... slots), allocated on first
//! use and never freed before the table, so a slot's address is stable. Each slot is
//! an [`ArcSwapOption`] holding the process, so the send path finds a process with one
//! lock-free load; a stale [`Pid`] is caught by comparing the whole id, generation
//! included, with the id stored in the process.
//!
//! Who touches what:
//! - `insert` (spawn) and `remove` (exit) write a slot; the free list is a short
//!   `Mutex<Vec<u32>>` held only to push or pop one index.
//! - `get` (send, notify, monitor) reads a slot from any thread.
//! - A slot index is reused first-in-first-out after its generation moved on, which
//!   makes the reuse of a recent id as late as possible.

use crate::pid::Pid;
use arc_swap::ArcSwapOption;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

const FIRST_PAGE: usize = 64;
/// Enough pages for 2^32 slots: page `k` holds `FIRST_PAGE << k` slots.
const PAGES: usize = 27;

/// A table entry type: anything that knows the id it was inserted under.
pub(crate) trait Entry {
    fn pid(&self) -> Pid;
}

struct Slot<T> {
    /// The live process in this slot, or `None`.
    entry: ArcSwapOption<T>,
    /// The generation the next process in this slot gets. Written under the free-list
    /// lock only; read there too.
    generation: AtomicU32,
}

pub(crate) struct Table<T> {
    pages: [OnceLock<Box<[Slot<T>]>>; PAGES],
    free: parking_lot::Mutex<FreeList>,
}

struct FreeList {
    /// Freed slot indices, oldest first.
    reusable: VecDeque<u32>,
    /// The lowest index never handed out.
    fresh: u64,
}

fn locate(index: u32) -> (usize, usize) {
    let scaled = index as usize / FIRST_PAGE + 1;
    let page = (usize::BITS - 1 - scaled.leading_zeros()) as usize;
    let page_start = FIRST_PAGE * ((1 << page) - 1);
    (page, index as usize - page_start)
}

impl<T: Entry> Table<T> {
    pub(crate) fn new() -> Self {
        Self {
            pages: std::array::from_fn(|_| OnceLock::new()),
            free: parking_lot::Mutex::new(FreeList {
                reusable: VecDeque::new(),
                fresh: 0,
            }),
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
                    entry: ArcSwapOption::empty(),
                    generation: AtomicU32::new(0),
                })
                .collect()
        });
        &slots[offset]
    }

    /// Reserves a slot and returns the id a new process in it gets. The caller must
    /// [`publish`](Table::publish) the process under that id, or [`release`](Table::release) it.
    pub(crate) fn reserve(&self) -> Option<Pid> {
        let mut free = self.free.lock();
        let index = match free.reusable.pop_front() {
            Some(index) => index,
            None => {
                let index = u32::try_from(free.fresh).ok()?;
                free.fresh += 1;
                index
            }
        };
        drop(free);
        let generation = self.slot_or_alloc(index).generation.load(Ordering::Relaxed);
        Some(Pid::new(index, generation))
    }

    /// Makes `entry` reachable under its id (from [`reserve`](Table::reserve)).
    pub(crate) fn publish(&self, entry: Arc<T>) {
        let pid = entry.pid();
        let slot = self.slot_or_alloc(pid.index());
        slot.entry.store(Some(entry));
    }

    /// The live process with this id, if any.
    pub(crate) fn get(&self, pid: Pid) -> Option<Arc<T>> {
        let guard = self.slot(pid.index())?.entry.load();
        match guard.as_ref() {
            Some(entry) if entry.pid() == pid => Some(Arc::clone(entry)),
            _ => None,
        }
    }

    /// Calls `f` with the live process with this id, without touching its refcount.
    pub(crate) fn with<R>(&self, pid: Pid, f: impl FnOnce(&Arc<T>) -> R) -> Option<R> {
        let guard = self.slot(pid.index())?.entry.load();
        match guard.as_ref() {
            Some(entry) if entry.pid() == pid => Some(f(entry)),
            _ => None,
        }
    }

    /// Empties the slot of `pid` and makes the index reusable under a new generation.
    pub(crate) fn release(&self, pid: Pid) {
        let slot = self.slot_or_alloc(pid.index());
        let current = slot.entry.load();
        if current.as_ref().is_some_and(|entry| entry.pid() == pid) {
            slot.entry.store(None);
        }
        drop(current);
        let mut free = self.free.lock();
        slot.generation
            .store(pid.generation().wrapping_add(1), Ordering::Relaxed);
        free.reusable.push_back(pid.index());
    }

    /// Every live process, in slot order (a snapshot; processes may come and go).
    pub(crate) fn live(&self) -> Vec<Arc<T>> {
        let mut out = Vec::new();
        for page in &self.pages {
            let Some(slots) = page.get() else { break };
            out.extend(slots.iter().filter_map(|slot| slot.entry.load_full()));
        }
        out
    }

    /// Drops every entry still in the table (used once all workers have stopped).
    pub(crate) fn clear(&self) {
        for page in &self.pages {
            let Some(slots) = page.get() else { break };
            for slot in slots.iter() {
                slot.entry.store(None);
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
