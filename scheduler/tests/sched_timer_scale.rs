//! A million pending timers: 1000 processes arm 1000 timers each, cancel half, and
//! every timer that was not cancelled fires.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wippy_scheduler::{Builder, Context, Step, Timer};

#[test]
fn a_million_pending_timers_fire_and_cancelled_ones_do_not() {
    const PROCESSES: usize = 1000;
    const TIMERS: usize = 1000;
    let scheduler = Builder::new().workers(2).build::<()>().unwrap();
    let handle = scheduler.handle();
    let armed = Arc::new(AtomicUsize::new(0));
    let fired = Arc::new(AtomicUsize::new(0));
    let peak_pending = Arc::new(AtomicUsize::new(0));
    for p in 0..PROCESSES {
        let (armed, fired, peak) = (
            Arc::clone(&armed),
            Arc::clone(&fired),
            Arc::clone(&peak_pending),
        );
        let mut timers: Vec<Timer> = Vec::new();
        let mut cancelled: Vec<Timer> = Vec::new();
        let mut started = false;
        handle
            .spawn(move |cx: &mut Context<'_, ()>| {
                if !started {
                    started = true;
                    for t in 0..TIMERS {
                        // Deadlines spread over 3..3.5 s, so all are pending at once even in a
                        // debug build (compaction may already have dropped cancelled ones).
                        let timer = cx.timer(Duration::from_millis(
                            3000 + ((p * 7 + t * 13) % 500) as u64,
                        ));
                        if t % 2 == 0 {
                            timers.push(timer)
                        } else {
                            cancelled.push(timer)
                        }
                    }
                    cancelled.iter().for_each(Timer::cancel);
                    if armed.fetch_add(1, Ordering::SeqCst) + 1 == PROCESSES {
                        peak.store(cx.handle().metrics().pending_timers, Ordering::SeqCst);
                    }
                    return Step::Wait;
                }
                timers.retain(|t| {
                    if t.fired() {
                        fired.fetch_add(1, Ordering::Relaxed);
                        false
                    } else {
                        true
                    }
                });
                if timers.is_empty() {
                    assert!(
                        cancelled.iter().all(|t| !t.fired()),
                        "a cancelled timer fired"
                    );
                    Step::Done(None)
                } else {
                    Step::Wait
                }
            })
            .unwrap();
    }
    assert!(
        scheduler.wait_idle(Duration::from_secs(120)),
        "timers did not all fire"
    );
    assert_eq!(fired.load(Ordering::Relaxed), PROCESSES * TIMERS / 2);
    assert!(
        peak_pending.load(Ordering::SeqCst) >= PROCESSES * TIMERS / 2,
        "fewer timers pending than armed: {}",
        peak_pending.load(Ordering::SeqCst)
    );
}
