//! Work injected from outside the workers (a spawn or wake-up from another thread: the
//! timer driver, another host) is not kept waiting behind processes that each yield
//! after a step: a worker looks at the injector after every run that yielded, not only
//! once every `GLOBAL_POLL_INTERVAL` runs (`worker.rs`). Counted in steps of the busy
//! processes, not in time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use wippy_scheduler::{Context, Step};

/// How long each busy step spins, so that the injecting thread sees steps go by.
const STEP: Duration = Duration::from_micros(200);
/// How many processes the test injects, one after another.
const INJECTIONS: u64 = 20;

#[test]
fn injected_processes_run_after_a_few_yielded_steps() {
    let scheduler = wippy_scheduler::Builder::new()
        .workers(2)
        .build::<u32>()
        .expect("build scheduler");
    let handle = scheduler.handle();
    let steps = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut busy = Vec::new();
    for _ in 0..2 {
        let (steps, stop) = (Arc::clone(&steps), Arc::clone(&stop));
        busy.push(
            handle
                .spawn(move |_: &mut Context<'_, u32>| {
                    if stop.load(Ordering::SeqCst) {
                        return Step::Done(None);
                    }
                    let start = Instant::now();
                    while start.elapsed() < STEP {
                        std::hint::spin_loop();
                    }
                    steps.fetch_add(1, Ordering::SeqCst);
                    Step::Yield
                })
                .expect("spawn a busy process"),
        );
    }
    // Both workers busy.
    let started = Instant::now();
    while steps.load(Ordering::SeqCst) < 100 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "busy processes never ran"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut waited = Vec::new();
    for _ in 0..INJECTIONS {
        let (tx, rx) = mpsc::channel();
        let at_injection = steps.load(Ordering::SeqCst);
        let counter = Arc::clone(&steps);
        handle
            .spawn(move |_: &mut Context<'_, u32>| {
                let _ = tx.send(counter.load(Ordering::SeqCst));
                Step::Done(None)
            })
            .expect("inject a process");
        let ran_at = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the injected process ran");
        waited.push(ran_at.saturating_sub(at_injection));
    }
    stop.store(true, Ordering::SeqCst);
    let total: u64 = waited.iter().sum();
    // A worker that looks at the injector only every 61 runs makes each injected
    // process wait some 20 busy steps on average (the sooner of two workers' polls);
    // looking after every yield, one or two.
    assert!(
        total / INJECTIONS <= 6,
        "injected processes waited {waited:?} busy steps"
    );
}
