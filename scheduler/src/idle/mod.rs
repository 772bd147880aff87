//! Which workers sleep, and which one to wake: the protocol of `idle/README.md`.

use crate::loom::Mutex;
use crate::loom::atomic::{AtomicUsize, Ordering};

const SEARCHING_BITS: usize = 16;
const SEARCHING_MASK: usize = (1 << SEARCHING_BITS) - 1;
const UNPARKED_ONE: usize = 1 << SEARCHING_BITS;

/// Counters and the sleeper list shared by all workers of one scheduler.
#[derive(Debug)]
pub(crate) struct Idle {
    /// `searching` in the low bits, `unparked` above. See the README for who writes.
    state: AtomicUsize,
    /// Parked worker indices. Changes of `unparked` by parking/waking happen under it.
    sleepers: Mutex<Vec<usize>>,
    workers: usize,
}

fn searching(state: usize) -> usize {
    state & SEARCHING_MASK
}

fn unparked(state: usize) -> usize {
    state >> SEARCHING_BITS
}

impl Idle {
    /// All `workers` start unparked and not searching.
    pub(crate) fn new(workers: usize) -> Self {
        assert!(
            workers > 0 && workers < SEARCHING_MASK,
            "worker count out of range"
        );
        Self {
            state: AtomicUsize::new(workers * UNPARKED_ONE),
            sleepers: Mutex::new(Vec::with_capacity(workers)),
            workers,
        }
    }

    fn should_wake(&self) -> bool {
        // SeqCst: pairs with the SeqCst read-modify-writes of parking workers (rule 4).
        let state = self.state.load(Ordering::SeqCst);
        searching(state) == 0 && unparked(state) < self.workers
    }

    /// Rule 1: picks a sleeper to wake and counts it as unparked and searching. The
    /// caller must `unpark` the returned worker.
    #[must_use = "the returned worker must be unparked"]
    pub(crate) fn worker_to_notify(&self) -> Option<usize> {
        if !self.should_wake() {
            return None;
        }
        let mut sleepers = self.sleepers.lock();
        if !self.should_wake() {
            return None;
        }
        let worker = sleepers.pop()?;
        // SeqCst: the woken worker and other notifiers must see it as searching.
        self.state.fetch_add(UNPARKED_ONE | 1, Ordering::SeqCst);
        Some(worker)
    }

    /// Rule 2: `true` if the caller may become a searcher (and now is one).
    pub(crate) fn try_start_searching(&self) -> bool {
        let state = self.state.load(Ordering::SeqCst);
        if 2 * searching(state) >= self.workers {
            return false;
        }
        self.state.fetch_add(1, Ordering::SeqCst);
        true
    }

    /// Rule 3: the caller stops searching. Returns `true` if it was the last searcher,
    /// in which case the caller must call `notify_parked`.
    #[must_use = "the last searcher must wake another worker"]
    pub(crate) fn stop_searching(&self) -> bool {
        let previous = self.state.fetch_sub(1, Ordering::SeqCst);
        debug_assert!(searching(previous) > 0);
        searching(previous) == 1
    }

    /// Rule 4: the caller parks. Returns `true` if it was the last searcher, in which
    /// case it must re-check all queues before blocking.
    #[must_use = "the last searcher must re-check the queues before parking"]
    pub(crate) fn park(&self, worker: usize, was_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock();
        let delta = UNPARKED_ONE + usize::from(was_searching);
        let previous = self.state.fetch_sub(delta, Ordering::SeqCst);
        sleepers.push(worker);
        was_searching && searching(previous) == 1
    }

    /// Rule 5: `true` if the worker is still listed as a sleeper (nobody woke it).
    pub(crate) fn is_sleeping(&self, worker: usize) -> bool {
        self.sleepers.lock().contains(&worker)
    }

    /// Removes a sleeping worker from the list on its own behalf (used when it wakes
    /// for shutdown or after a timed park). Returns `true` if it was listed.
    pub(crate) fn unlist(&self, worker: usize) -> bool {
        let mut sleepers = self.sleepers.lock();
        match sleepers.iter().position(|&w| w == worker) {
            Some(at) => {
                sleepers.swap_remove(at);
                self.state.fetch_add(UNPARKED_ONE, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// Workers that are not parked right now.
    pub(crate) fn unparked(&self) -> usize {
        unparked(self.state.load(Ordering::SeqCst))
    }

    /// Workers that are searching right now.
    #[cfg(loom)]
    pub(crate) fn searching(&self) -> usize {
        searching(self.state.load(Ordering::SeqCst))
    }
}
