//! The driver thread of a scheduler: fires timers and preempts long steps.
//!
//! One per scheduler. It sleeps on the timer queue's condition variable until the
//! earliest deadline, a new earlier timer, a poke, or the next watchdog tick.
//!
//! **Watchdog.** While any worker is unparked, the driver ticks every half time slice
//! and reads each worker's `run_seq` (odd while a step runs). A worker showing the same
//! odd value on two consecutive ticks has been in one step for more than half a slice
//! (and less than a slice and a half, give or take the tick's jitter): the driver sets
//! the worker's `yield_requested` flag and calls the running process's preempt hook,
//! once per run. When every worker is parked, nothing can run long, so the driver
//! sleeps until the next timer; a worker that wakes pokes it (idle/README.md). A step
//! that started while the driver slept shows a new odd value at the first look, so the
//! baseline needs no reset after a sleep.

use crate::loom::atomic::Ordering;
use crate::shared::Shared;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `at + by`, or a year after `at` when that is past what an `Instant` can hold (a time
/// slice of `Duration::MAX` asks for no preemption, not for a panic).
fn later(at: Instant, by: Duration) -> Instant {
    at.checked_add(by)
        .unwrap_or_else(|| at + Duration::from_secs(365 * 24 * 60 * 60))
}

pub(crate) fn run<M: Send + Sync + 'static>(shared: Arc<Shared<M>>) {
    let tick = shared.time_slice / 2;
    let mut last_seen = vec![0u64; shared.workers()];
    let mut flagged = vec![0u64; shared.workers()];
    let mut next_watch = later(Instant::now(), tick);
    let mut due = Vec::new();

    let mut state = shared.timers.state.lock();
    loop {
        if state.stopped {
            return;
        }
        let now = Instant::now();
        while let Some(scheduled) = state.pop_due(now) {
            let entry = scheduled.entry;
            if entry.is_cancelled() {
                shared.timers.note_discarded();
                continue;
            }
            entry.fire();
            if let Some(period) = entry.period {
                // Missed periods are coalesced into one tick, as Go's ticker does.
                let mut next = later(scheduled.deadline, period);
                if next <= now {
                    next = later(now, period);
                }
                state.push(next, Arc::clone(&entry));
            }
            due.push(entry.pid);
        }
        drop(state);

        for pid in due.drain(..) {
            shared.wake(pid);
        }
        if now >= next_watch {
            watch(&shared, &mut last_seen, &mut flagged);
            next_watch = later(now, tick);
        }

        state = shared.timers.state.lock();
        if state.stopped {
            return;
        }
        if std::mem::take(&mut state.poked) {
            continue;
        }
        let mut wake_at = state.next_deadline();
        if shared.idle.unparked() > 0 {
            wake_at = Some(wake_at.map_or(next_watch, |t| t.min(next_watch)));
        } else {
            // SeqCst store, then SeqCst load of `unparked`: pairs with
            // `Shared::notify_parked` (idle/README.md, "Timer driver").
            shared.driver_sleeping.store(true, Ordering::SeqCst);
            if shared.idle.unparked() > 0 {
                wake_at = Some(wake_at.map_or(next_watch, |t| t.min(next_watch)));
            }
        }
        state = match wake_at {
            Some(at) => shared.timers.condvar.wait_until(state, at),
            None => shared.timers.condvar.wait(state),
        };
        shared.driver_sleeping.store(false, Ordering::SeqCst);
        // A late wake-up keeps the baseline: a step seen at the last look and still
        // running now has run at least as long as the sleep, so it is due either way.
        // (Resetting it on late wake-ups starved short slices, whose ticks are shorter
        // than a condition variable's usual lateness.)
    }
}

fn watch<M: Send + Sync + 'static>(shared: &Shared<M>, last_seen: &mut [u64], flagged: &mut [u64]) {
    for (index, meter) in shared.meters.iter().enumerate() {
        // Acquire pairs with the worker's Release stores of `run_seq`.
        let seq = meter.run_seq.load(Ordering::Acquire);
        let running = seq % 2 == 1;
        if running && seq == last_seen[index] && flagged[index] != seq {
            flagged[index] = seq;
            meter.yield_requested.store(true, Ordering::Release);
            meter.call_hook(seq);
        }
        last_seen[index] = seq;
    }
}

/// The default time slice: how long one step may run before it is asked to yield.
pub(crate) const DEFAULT_TIME_SLICE: Duration = Duration::from_millis(2);
