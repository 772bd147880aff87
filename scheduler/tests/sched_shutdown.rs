//! Shutdown. One test function only: it counts this process's threads, which other
//! tests running in parallel in the same binary would disturb.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wippy_scheduler::{Builder, Context, Shutdown, Signal, SpawnError, Step};

#[test]
fn shutdown_and_drop_leave_no_thread_and_no_process_behind() {
    shutdown_cancels_then_kills_and_joins_every_thread();
    dropping_a_scheduler_stops_everything();
    a_step_that_never_returns_is_abandoned_after_the_kill();
    killed_processes_that_take_long_to_drop_are_not_abandoned();
}

/// Killed processes end one by one as the workers drop their bodies; while they go on
/// ending, none is given up on, however long dropping them all takes (200 000 Lua VMs
/// take seconds: session 52's probe saw tens of thousands of idle processes abandoned,
/// and reported as stuck in code that cannot be interrupted).
fn killed_processes_that_take_long_to_drop_are_not_abandoned() {
    struct SlowDrop(Arc<AtomicUsize>);
    impl Drop for SlowDrop {
        fn drop(&mut self) {
            std::thread::sleep(Duration::from_micros(200));
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let scheduler = Builder::new().workers(2).build::<()>().unwrap();
    let handle = scheduler.handle();
    let dropped = Arc::new(AtomicUsize::new(0));
    let count = 2_000;
    for _ in 0..count {
        let body = SlowDrop(Arc::clone(&dropped));
        handle
            .spawn(move |_: &mut Context<'_, ()>| {
                let _ = &body;
                Step::Wait
            })
            .unwrap();
    }
    // 2 000 drops of 200 µs on 2 workers: about 200 ms, twice the abandon time.
    let report = scheduler
        .shutdown(Shutdown::new("stop", Duration::ZERO).abandon_after(Duration::from_millis(100)));
    assert_eq!(report.killed, count);
    assert_eq!(report.abandoned, 0);
    assert_eq!(dropped.load(Ordering::SeqCst), count);
}

/// A step stuck in code that never yields blocks the join; `abandon_after` gives up on it
/// and returns, leaving its thread (released here, so that it ends), and counts it.
fn a_step_that_never_returns_is_abandoned_after_the_kill() {
    let scheduler = Builder::new().workers(2).build::<()>().unwrap();
    let handle = scheduler.handle();
    let release = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let entered = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (release2, entered2) = (Arc::clone(&release), Arc::clone(&entered));
    handle
        .spawn(move |_: &mut Context<'_, ()>| {
            entered2.store(true, Ordering::SeqCst);
            while !release2.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1));
            }
            Step::Done(None)
        })
        .unwrap();
    handle.spawn(|_: &mut Context<'_, ()>| Step::Wait).unwrap();
    while !entered.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(1));
    }
    // Without the give-up the shutdown would wait for the step: a watchdog ends the step
    // after 10 s, so that the test then fails on the report instead of hanging.
    let watchdog_release = Arc::clone(&release);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(10));
        watchdog_release.store(true, Ordering::SeqCst);
    });
    let report = scheduler.shutdown(
        Shutdown::new("stop", Duration::from_millis(50)).abandon_after(Duration::from_millis(100)),
    );
    assert_eq!(report.killed, 2, "the stuck process and the idle one");
    assert_eq!(
        report.abandoned, 1,
        "only the stuck one is still in its step"
    );
    // Let the detached worker finish its step and stop.
    release.store(true, Ordering::SeqCst);
}

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// The thread count once it is back to `expected`, or as it is after 5 s: a joined
/// thread can stay listed in `/proc/self/task` for a moment after `join` returned (the
/// kernel wakes the joiner before it has released the thread).
fn thread_count_after_exits(expected: usize) -> usize {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let count = thread_count();
        if count == expected || std::time::Instant::now() >= deadline {
            return count;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn shutdown_cancels_then_kills_and_joins_every_thread() {
    let before = thread_count();
    let scheduler = Builder::new().workers(3).build::<()>().unwrap();
    let handle = scheduler.handle();
    assert_eq!(handle.workers(), 3);
    assert!(thread_count() >= before + 4, "3 workers + driver");
    let cancelled = Arc::new(AtomicUsize::new(0));
    // Polite processes end on cancel; stubborn ones ignore it and must be killed.
    for i in 0..100 {
        let cancelled = Arc::clone(&cancelled);
        handle
            .spawn(move |cx: &mut Context<'_, ()>| {
                while let Some(signal) = cx.recv_signal() {
                    if let Signal::Cancel(reason) = signal {
                        assert_eq!(&*reason, "shutting down");
                        if i % 2 == 0 {
                            cancelled.fetch_add(1, Ordering::SeqCst);
                            return Step::Done(None);
                        }
                    }
                }
                Step::Wait
            })
            .unwrap();
    }
    // Pending work: messages queued to live processes.
    let sink = handle.spawn(|_: &mut Context<'_, ()>| Step::Wait).unwrap();
    for _ in 0..1000 {
        handle.send(sink, ()).unwrap();
    }
    let report = scheduler.shutdown(Shutdown::new("shutting down", Duration::from_millis(200)));
    assert_eq!(cancelled.load(Ordering::SeqCst), 50);
    assert_eq!(report.killed, 51, "50 stubborn processes and the sink");
    assert_eq!(report.abandoned, 0);
    assert_eq!(
        handle.spawn(|_: &mut Context<'_, ()>| Step::Done(None)),
        Err(SpawnError::ShuttingDown)
    );
    let metrics = handle.metrics();
    assert_eq!(metrics.live, 0);
    assert_eq!(metrics.exited, 101);
    assert_eq!(
        thread_count_after_exits(before),
        before,
        "a scheduler thread was left behind"
    );
}

fn dropping_a_scheduler_stops_everything() {
    let before = thread_count();
    let token = Arc::new(());
    {
        let scheduler = Builder::new().workers(2).build::<()>().unwrap();
        for _ in 0..10 {
            let token = Arc::clone(&token);
            scheduler
                .handle()
                .spawn(move |_: &mut Context<'_, ()>| {
                    let _keep = &token;
                    Step::Wait
                })
                .unwrap();
        }
    }
    assert_eq!(
        Arc::strong_count(&token),
        1,
        "process bodies were not dropped"
    );
    assert_eq!(thread_count_after_exits(before), before);
}
