//! Runtime-wide counters: the basis for a metrics endpoint.
//!
//! Written on hot paths by every worker, so each counter is striped: a thread adds to
//! its own stripe and readers sum them.

use crossbeam_utils::CachePadded;
use std::sync::atomic::{AtomicU64, Ordering};

const STRIPES: usize = 8;

/// A counter that many threads add to on hot paths and few read: each thread adds to
/// one of several cache-padded stripes, so that adding never contends for a cache line
/// another worker writes; reading sums the stripes. For statistics only: a sum read
/// while others add is a recent value, not a synchronised one.
#[derive(Debug)]
pub struct StripedCounter {
    stripes: [CachePadded<AtomicU64>; STRIPES],
}

impl Default for StripedCounter {
    fn default() -> StripedCounter {
        StripedCounter::new()
    }
}

impl StripedCounter {
    /// A counter at zero (`const`, for statics).
    pub const fn new() -> StripedCounter {
        StripedCounter {
            stripes: [const { CachePadded::new(AtomicU64::new(0)) }; STRIPES],
        }
    }

    /// Adds `n` (wrapping).
    pub fn add(&self, n: u64) {
        self.stripes[stripe()].fetch_add(n, Ordering::Relaxed);
    }

    /// The sum of what was added.
    pub fn sum(&self) -> u64 {
        self.stripes
            .iter()
            .map(|s| s.load(Ordering::Relaxed))
            .fold(0, u64::wrapping_add)
    }
}

fn stripe() -> usize {
    use std::cell::Cell;
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local!(static STRIPE: Cell<usize> = const { Cell::new(usize::MAX) });
    STRIPE.with(|s| {
        if s.get() == usize::MAX {
            s.set(NEXT.fetch_add(1, Ordering::Relaxed) % STRIPES);
        }
        s.get()
    })
}

/// The counters one runtime keeps.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    spawned: StripedCounter,
    exited: StripedCounter,
    failed: StripedCounter,
    messages: StripedCounter,
    restarts: StripedCounter,
}

impl Counters {
    pub(crate) fn spawned(&self) {
        self.spawned.add(1);
    }
    pub(crate) fn exited(&self, failed: bool) {
        self.exited.add(1);
        if failed {
            self.failed.add(1);
        }
    }
    pub(crate) fn message(&self) {
        self.messages.add(1);
    }
    pub(crate) fn restart(&self) {
        self.restarts.add(1);
    }

    pub(crate) fn snapshot(&self) -> Metrics {
        let spawned = self.spawned.sum();
        let exited = self.exited.sum();
        Metrics {
            live: spawned.saturating_sub(exited),
            spawned,
            exited,
            exited_with_error: self.failed.sum(),
            messages: self.messages.sum(),
            restarts: self.restarts.sum(),
        }
    }
}

/// A snapshot of a runtime's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Metrics {
    /// Processes spawned and not yet exited.
    pub live: u64,
    /// Processes spawned since start.
    pub spawned: u64,
    /// Processes that exited, for any reason.
    pub exited: u64,
    /// Processes that exited with an error (failed, terminated, linked failure).
    pub exited_with_error: u64,
    /// Messages accepted for delivery.
    pub messages: u64,
    /// Service restarts made by supervisors.
    pub restarts: u64,
}
