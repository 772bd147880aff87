//! Timers, select, monitors, kill, panics, preemption and shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wippy_scheduler::{
    Builder, Context, Exit, RecvTimeout, Scheduler, Signal, Source, SpawnOptions, Step, Timer,
};

const WAIT: Duration = Duration::from_secs(30);

fn scheduler<M: Send + Sync + 'static>() -> Scheduler<M> {
    Builder::new().workers(2).build().expect("build scheduler")
}

#[test]
fn timers_fire_in_deadline_order_and_cancelled_ones_never() {
    let scheduler = scheduler::<()>();
    let mut timers: Vec<(u32, Timer)> = Vec::new();
    let mut fired = Vec::new();
    let process = scheduler
        .handle()
        .spawn_joinable(move |cx: &mut Context<'_, ()>| {
            if timers.is_empty() && fired.is_empty() {
                for (id, ms) in [(3u32, 30u64), (1, 10), (4, 40), (2, 20), (9, 25)] {
                    timers.push((id, cx.timer(Duration::from_millis(ms))));
                }
                // Cancel the 25 ms timer: it must never be observed.
                let (_, cancelled) = timers.iter().find(|(id, _)| *id == 9).unwrap();
                cancelled.cancel();
                return Step::Wait;
            }
            timers.retain(|(id, timer)| {
                if timer.fired() {
                    fired.push(*id);
                    false
                } else {
                    true
                }
            });
            if timers.len() == 1 {
                // Only the cancelled one is left; give it time to (not) fire.
                if fired.len() == 4 {
                    return Step::Done(Some(()));
                }
            }
            Step::Wait
        })
        .unwrap();
    let exit = process.join_timeout(WAIT).expect("timers fired");
    assert!(matches!(*exit, Exit::Normal(Some(()))));
}

#[test]
fn timers_wake_in_order_across_processes() {
    let scheduler = scheduler::<()>();
    let order = Arc::new(parking_lot::Mutex::new(Vec::new()));
    let mut joins = Vec::new();
    for (id, ms) in [(2u32, 40u64), (0, 0), (1, 20), (3, 60)] {
        let order = Arc::clone(&order);
        let mut timer = None;
        joins.push(
            scheduler
                .handle()
                .spawn_joinable(move |cx: &mut Context<'_, ()>| match &timer {
                    None => {
                        timer = Some(cx.timer(Duration::from_millis(ms)));
                        Step::Wait
                    }
                    Some(t) if t.fired() => {
                        order.lock().push(id);
                        Step::Done(None)
                    }
                    Some(_) => Step::Wait,
                })
                .unwrap(),
        );
    }
    for join in joins {
        join.join_timeout(WAIT).expect("sleeper woke");
    }
    assert_eq!(*order.lock(), vec![0, 1, 2, 3]);
}

#[test]
fn ticker_ticks_until_cancelled() {
    let scheduler = scheduler::<()>();
    let mut ticker = None;
    let mut ticks = 0;
    let process = scheduler
        .handle()
        .spawn_joinable(move |cx: &mut Context<'_, ()>| {
            let t = ticker.get_or_insert_with(|| cx.ticker(Duration::from_millis(2)));
            assert!(t.is_periodic());
            ticks += t.take_ticks();
            if ticks >= 5 {
                t.cancel();
                return Step::Done(None);
            }
            Step::Wait
        })
        .unwrap();
    process
        .join_timeout(WAIT)
        .expect("ticker ticked five times");
}

#[test]
fn recv_timeout_times_out_then_receives() {
    let scheduler = scheduler::<u32>();
    let mut timed_out = false;
    let process = scheduler
        .handle()
        .spawn_joinable(move |cx: &mut Context<'_, u32>| {
            if !timed_out {
                return match cx.recv_timeout(Duration::from_millis(5)) {
                    RecvTimeout::TimedOut => {
                        timed_out = true;
                        // Only now does anyone send: the answer must beat a 60 s timeout.
                        let me = cx.pid();
                        cx.spawn(move |cx: &mut Context<'_, u32>| {
                            cx.send(me, 42).unwrap();
                            Step::Done(None)
                        })
                        .unwrap();
                        Step::Yield
                    }
                    RecvTimeout::Pending => Step::Wait,
                    RecvTimeout::Message(m) => Step::Fail(m),
                };
            }
            match cx.recv_timeout(Duration::from_secs(60)) {
                RecvTimeout::Message(m) => Step::Done(Some(m)),
                RecvTimeout::Pending => Step::Wait,
                RecvTimeout::TimedOut => Step::Fail(0),
            }
        })
        .unwrap();
    let exit = process.join_timeout(WAIT).expect("finished");
    assert!(matches!(*exit, Exit::Normal(Some(42))), "{exit:?}");
}

#[test]
fn select_reports_first_ready_and_loses_nothing() {
    let scheduler = Builder::new().workers(1).build::<u32>().unwrap();
    let handle = scheduler.handle();
    let mut timer = None;
    let mut seen = Vec::new();
    let process = handle
        .spawn_joinable(move |cx: &mut Context<'_, u32>| {
            let t = timer.get_or_insert_with(|| cx.timer(Duration::from_millis(10)));
            loop {
                match cx.select(&[Source::Mailbox, Source::Timer(t), Source::Ready(false)]) {
                    Some(0) => seen.push(cx.recv().expect("mailbox was ready")),
                    Some(1) => {
                        assert_eq!(t.take_ticks(), 1);
                        seen.push(1000);
                    }
                    Some(_) => unreachable!("never ready"),
                    None => break,
                }
            }
            if seen.len() == 3 {
                Step::Done(Some(seen.iter().sum()))
            } else {
                Step::Wait
            }
        })
        .unwrap();
    handle.send(process.pid(), 1).unwrap();
    handle.send(process.pid(), 2).unwrap();
    let exit = process.join_timeout(WAIT).expect("select finished");
    assert!(matches!(*exit, Exit::Normal(Some(1003))), "{exit:?}");
}

#[test]
fn notifier_wakes_a_waiting_process() {
    let scheduler = scheduler::<()>();
    let flag = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&flag);
    let process = scheduler
        .handle()
        .spawn_joinable(move |cx: &mut Context<'_, ()>| {
            match cx.select(&[Source::Ready(seen.load(Ordering::Acquire))]) {
                Some(_) => Step::Done(None),
                None => Step::Wait,
            }
        })
        .unwrap();
    let notifier = scheduler.handle().notifier(process.pid());
    assert_eq!(notifier.pid(), process.pid());
    flag.store(true, Ordering::Release);
    notifier.notify();
    process.join_timeout(WAIT).expect("woken by the notifier");
}

#[test]
fn monitors_see_normal_error_panic_and_kill() {
    let scheduler = scheduler::<String>();
    let mut spawned = false;
    let mut exits = Vec::new();
    let watcher = scheduler
        .handle()
        .spawn_joinable(move |cx: &mut Context<'_, String>| {
            if !spawned {
                spawned = true;
                cx.spawn_monitored(|_: &mut Context<'_, String>| Step::Done(Some("value".into())))
                    .unwrap();
                cx.spawn_monitored(|_: &mut Context<'_, String>| Step::Fail("boom".into()))
                    .unwrap();
                cx.spawn_monitored(|_: &mut Context<'_, String>| -> Step<String> {
                    panic!("kaboom")
                })
                .unwrap();
                let (sleeper, _) = cx
                    .spawn_monitored(|_: &mut Context<'_, String>| Step::Wait)
                    .unwrap();
                cx.handle().kill(sleeper, "killed by test").unwrap();
                // A demonitored process produces no notice.
                let (quiet, monitor) = cx
                    .spawn_monitored(|_: &mut Context<'_, String>| Step::Wait)
                    .unwrap();
                assert!(cx.demonitor(quiet, monitor));
                assert!(!cx.demonitor(quiet, monitor));
                cx.handle().kill(quiet, "quiet").unwrap();
            }
            while let Some(signal) = cx.recv_signal() {
                if let Signal::Down(down) = signal {
                    exits.push(match &*down.exit {
                        Exit::Normal(Some(v)) => format!("normal:{v}"),
                        Exit::Error(e) => format!("error:{e}"),
                        Exit::Panicked(p) => format!("panic:{p}"),
                        Exit::Killed(r) => format!("killed:{r}"),
                        other => format!("other:{other:?}"),
                    });
                }
            }
            if exits.len() == 4 {
                exits.sort();
                Step::Done(Some(exits.join(",")))
            } else {
                Step::Wait
            }
        })
        .unwrap();
    let exit = watcher.join_timeout(WAIT).expect("all four exits seen");
    match &*exit {
        Exit::Normal(Some(s)) => {
            assert_eq!(
                s,
                "error:boom,killed:killed by test,normal:value,panic:kaboom"
            )
        }
        other => panic!("{other:?}"),
    }
    let metrics = scheduler.handle().metrics();
    assert_eq!(
        metrics.failed, 4,
        "error, panic and two kills count as failures"
    );
}

#[test]
fn monitoring_an_exited_process_fails() {
    let scheduler = scheduler::<()>();
    let handle = scheduler.handle();
    let gone = handle
        .spawn_joinable(|_: &mut Context<'_, ()>| Step::Done(None))
        .unwrap();
    let gone_pid = gone.pid();
    gone.join();
    let probe = handle
        .spawn_joinable(move |cx: &mut Context<'_, ()>| {
            if cx.monitor(gone_pid).is_err() {
                Step::Done(None)
            } else {
                Step::Fail(())
            }
        })
        .unwrap();
    assert!(matches!(*probe.join(), Exit::Normal(None)));
}

#[test]
fn busy_processes_are_asked_to_yield_and_others_still_run() {
    // Two workers, four processes spinning in one step each until asked to yield.
    let scheduler = Builder::new()
        .workers(2)
        .time_slice(Duration::from_millis(2))
        .build::<()>()
        .unwrap();
    let handle = scheduler.handle();
    let stop = Arc::new(AtomicBool::new(false));
    let yields = Arc::new(AtomicUsize::new(0));
    let hooks = Arc::new(AtomicUsize::new(0));
    for _ in 0..4 {
        let (stop, yields) = (Arc::clone(&stop), Arc::clone(&yields));
        let hook_count = Arc::clone(&hooks);
        let options = SpawnOptions::new().preempt_hook(Arc::new(move || {
            hook_count.fetch_add(1, Ordering::SeqCst);
        }));
        handle
            .spawn_with(
                move |cx: &mut Context<'_, ()>| {
                    while !cx.should_yield() {
                        if stop.load(Ordering::Relaxed) {
                            return Step::Done(None);
                        }
                        std::hint::spin_loop();
                    }
                    yields.fetch_add(1, Ordering::SeqCst);
                    Step::Yield
                },
                options,
            )
            .unwrap();
    }
    // A newcomer still gets to run and answer.
    let newcomer = handle
        .spawn_joinable(|_: &mut Context<'_, ()>| Step::Done(None))
        .unwrap();
    newcomer
        .join_timeout(WAIT)
        .expect("newcomer ran despite busy loops");
    let deadline = Instant::now() + WAIT;
    while yields.load(Ordering::SeqCst) < 8 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    stop.store(true, Ordering::SeqCst);
    assert!(
        yields.load(Ordering::SeqCst) >= 8,
        "busy steps were not preempted"
    );
    assert!(
        hooks.load(Ordering::SeqCst) >= 8,
        "preempt hooks were not called"
    );
    assert!(scheduler.wait_idle(WAIT));
}

#[test]
fn build_errors_are_typed() {
    let err = Builder::new().workers(0).build::<()>().unwrap_err();
    assert_eq!(err.to_string(), "a scheduler needs at least one worker");
    let err = Builder::new()
        .time_slice(Duration::ZERO)
        .build::<()>()
        .unwrap_err();
    assert_eq!(err.to_string(), "the time slice must be longer than zero");
    let err = Builder::new().workers(100_000).build::<()>().unwrap_err();
    assert!(err.to_string().contains("at most 1024"));
}
