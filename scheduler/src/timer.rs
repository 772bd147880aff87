//! Timers: one-shot and periodic, owned by a process, fired by the driver thread.
//!
//! A [`Timer`] belongs to the process that armed it ([`Context::timer`](crate::Context::timer),
//! [`Context::ticker`](crate::Context::ticker)). When it fires, the driver thread
//! (`driver.rs`) counts the tick in the timer and wakes the process; the process then
//! sees [`Timer::fired`] or takes the ticks with [`Timer::take_ticks`]. Dropping or
//! [`cancel`](Timer::cancel)ling the handle cancels the timer.
//!
//! Pending timers sit in one binary heap per scheduler, ordered by deadline. Inserting
//! is `O(log n)` under a short lock; cancelling is one atomic store and the entry is
//! discarded when it reaches the top, or earlier by a compaction that runs when more
//! than half of the heap is cancelled. A million pending timers cost about 60 MB
//! (entry + heap slot) and `log2(1M) = 20` comparisons per insert.

use crate::loom::atomic::{AtomicBool, AtomicU32, Ordering};
use crate::loom::{Condvar, Mutex, MutexGuard};
use crate::pid::Pid;
use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The shared part of a timer: written by the driver, read by the owning process.
#[derive(Debug)]
pub(crate) struct TimerEntry {
    /// The process to wake.
    pub(crate) pid: Pid,
    /// `Some` for a ticker.
    pub(crate) period: Option<Duration>,
    /// Ticks not yet taken by the owner. The driver adds (Release) before waking the
    /// owner; the owner reads/swaps (Acquire).
    ticks: AtomicU32,
    /// Set by the owner (or on drop); the driver then skips the entry.
    cancelled: AtomicBool,
}

impl TimerEntry {
    pub(crate) fn new(pid: Pid, period: Option<Duration>) -> Self {
        Self {
            pid,
            period,
            ticks: AtomicU32::new(0),
            cancelled: AtomicBool::new(false),
        }
    }

    /// Driver side: records one tick. The caller then wakes `pid`.
    pub(crate) fn fire(&self) {
        // Release pairs with the Acquire in `fired`/`take_ticks`; the wake-up that
        // follows (state word, AcqRel) also orders it before the owner's next step.
        self.ticks
            .fetch_update(Ordering::Release, Ordering::Relaxed, |t| {
                Some(t.saturating_add(1))
            })
            .ok();
    }

    /// The owner side of [`Timer::take_ticks`], for models that have no `Timer`.
    #[cfg(loom)]
    pub(crate) fn take_ticks_for_model(&self) -> u32 {
        self.ticks.swap(0, Ordering::Acquire)
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }
}

/// A timer owned by a process. Dropping it cancels it.
#[must_use = "dropping a Timer cancels it"]
pub struct Timer {
    entry: Arc<TimerEntry>,
    queue: Arc<TimerQueue>,
}

impl Timer {
    pub(crate) fn new(entry: Arc<TimerEntry>, queue: Arc<TimerQueue>) -> Self {
        Self { entry, queue }
    }

    /// `true` if the timer has fired at least once and the ticks were not taken.
    pub fn fired(&self) -> bool {
        self.entry.ticks.load(Ordering::Acquire) > 0
    }

    /// Takes the ticks that fired since the last call (a ticker may have fired several
    /// times while its process was busy; it never fires more than once per period).
    pub fn take_ticks(&self) -> u32 {
        self.entry.ticks.swap(0, Ordering::Acquire)
    }

    /// Stops the timer. A tick that already fired stays visible through
    /// [`fired`](Timer::fired); no new tick will come.
    pub fn cancel(&self) {
        if !self.entry.cancelled.swap(true, Ordering::AcqRel) {
            self.queue.note_cancelled();
        }
    }

    /// `true` for a ticker, `false` for a one-shot timer.
    pub fn is_periodic(&self) -> bool {
        self.entry.period.is_some()
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl fmt::Debug for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timer")
            .field("pid", &self.entry.pid)
            .field("period", &self.entry.period)
            .field("fired", &self.fired())
            .finish()
    }
}

/// A heap slot: an entry and when it fires next.
#[derive(Debug)]
pub(crate) struct Scheduled {
    pub(crate) deadline: Instant,
    /// Insertion order, so equal deadlines fire first-in first-out.
    seq: u64,
    pub(crate) entry: Arc<TimerEntry>,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}

impl Eq for Scheduled {}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scheduled {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest deadline first.
    fn cmp(&self, other: &Self) -> CmpOrdering {
        (other.deadline, other.seq).cmp(&(self.deadline, self.seq))
    }
}

/// The driver's state, under [`TimerQueue::state`].
#[derive(Debug, Default)]
pub(crate) struct QueueState {
    pub(crate) heap: BinaryHeap<Scheduled>,
    next_seq: u64,
    /// Set by `poke`; consumed by the driver before it sleeps.
    pub(crate) poked: bool,
    /// Set once at shutdown.
    pub(crate) stopped: bool,
}

impl QueueState {
    pub(crate) fn push(&mut self, deadline: Instant, entry: Arc<TimerEntry>) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled {
            deadline,
            seq,
            entry,
        });
    }

    /// Removes and returns the earliest entry whose deadline is at or before `now`.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<Scheduled> {
        if self.heap.peek()?.deadline <= now {
            self.heap.pop()
        } else {
            None
        }
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.heap.peek().map(|s| s.deadline)
    }
}

/// Pending timers of one scheduler, and the lock and condition variable the driver
/// thread sleeps on.
#[derive(Debug)]
pub(crate) struct TimerQueue {
    pub(crate) state: Mutex<QueueState>,
    pub(crate) condvar: Condvar,
    /// Cancelled entries still in the heap (approximate; drives compaction).
    cancelled: crate::loom::atomic::AtomicUsize,
}

/// Compaction is considered only for heaps at least this large.
const COMPACT_MIN: usize = 1024;

impl TimerQueue {
    pub(crate) fn new() -> Self {
        Self {
            state: Mutex::new(QueueState::default()),
            condvar: Condvar::new(),
            cancelled: crate::loom::atomic::AtomicUsize::new(0),
        }
    }

    /// Arms `entry` to fire at `deadline`. Wakes the driver if this is the new earliest.
    pub(crate) fn insert(&self, deadline: Instant, entry: Arc<TimerEntry>) {
        let mut state = self.state.lock();
        let earliest = state.next_deadline().is_none_or(|next| deadline < next);
        self.compact_if_needed(&mut state);
        state.push(deadline, entry);
        drop(state);
        if earliest {
            self.condvar.notify_one();
        }
    }

    fn note_cancelled(&self) {
        self.cancelled.fetch_add(1, Ordering::Relaxed);
    }

    /// The driver skipped a cancelled entry.
    pub(crate) fn note_discarded(&self) {
        // Saturating: compaction may already have reset the count.
        self.cancelled
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .ok();
    }

    fn compact_if_needed(&self, state: &mut MutexGuard<'_, QueueState>) {
        let len = state.heap.len();
        if len >= COMPACT_MIN && self.cancelled.load(Ordering::Relaxed) * 2 > len {
            state.heap.retain(|s| !s.entry.is_cancelled());
            self.cancelled.store(0, Ordering::Relaxed);
        }
    }

    /// Makes the driver re-evaluate now (a worker woke up while the driver slept).
    pub(crate) fn poke(&self) {
        self.state.lock().poked = true;
        self.condvar.notify_one();
    }

    /// Stops the driver thread.
    pub(crate) fn stop(&self) {
        self.state.lock().stopped = true;
        self.condvar.notify_all();
    }

    /// Pending entries, cancelled ones included (for tests and metrics).
    pub(crate) fn len(&self) -> usize {
        self.state.lock().heap.len()
    }
}

#[cfg(all(test, not(loom)))]
mod test;
