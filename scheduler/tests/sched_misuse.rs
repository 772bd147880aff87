//! What the scheduler does when it is used in ways it cannot serve: a preempt hook that
//! panics, a time slice too long for the clock, a shutdown from inside one of its own
//! steps, a thread name it cannot give; and that a joined process no longer counts as
//! live.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wippy_scheduler::{Builder, Context, Exit, Scheduler, Shutdown, SpawnOptions, Step};

const WAIT: Duration = Duration::from_secs(30);

/// A process that ends after one timer of 10 ms: it needs the driver thread.
fn timer_process(scheduler: &Scheduler<()>) -> wippy_scheduler::JoinHandle<()> {
    let mut armed = None;
    scheduler
        .handle()
        .spawn_joinable(move |cx: &mut Context<'_, ()>| match &armed {
            None => {
                armed = Some(cx.timer(Duration::from_millis(10)));
                Step::Wait
            }
            Some(timer) if timer.fired() => Step::Done(None),
            Some(_) => Step::Wait,
        })
        .unwrap()
}

#[test]
fn a_panicking_preempt_hook_counts_as_returned() {
    let scheduler = Builder::new()
        .workers(2)
        .time_slice(Duration::from_millis(2))
        .build::<()>()
        .unwrap();
    let hooked = Arc::new(AtomicBool::new(false));
    let hooked_in_hook = Arc::clone(&hooked);
    let options = SpawnOptions::new().preempt_hook(Arc::new(move || {
        hooked_in_hook.store(true, Ordering::SeqCst);
        panic!("a preempt hook that panics");
    }));
    let asked = Arc::new(AtomicBool::new(false));
    let asked_in_step = Arc::clone(&asked);
    let hooked_in_step = Arc::clone(&hooked);
    scheduler
        .handle()
        .spawn_with(
            move |cx: &mut Context<'_, ()>| {
                // Until the hook ran (and panicked) during this very step.
                while !(cx.should_yield() && hooked_in_step.load(Ordering::SeqCst)) {
                    std::hint::spin_loop();
                }
                asked_in_step.store(true, Ordering::SeqCst);
                Step::Done(None)
            },
            options,
        )
        .unwrap();
    // Before, the panic killed the driver thread: the worker then waited for the hook
    // call to end for ever once the step returned, timers stopped, and so did
    // preemption.
    let deadline = std::time::Instant::now() + WAIT;
    while !asked.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(
        asked.load(Ordering::SeqCst),
        "the busy step was never asked to yield"
    );
    timer_process(&scheduler)
        .join_timeout(WAIT)
        .expect("timers still fire after the hook panicked");
    assert!(scheduler.wait_idle(WAIT));
}

#[test]
fn a_time_slice_of_duration_max_means_no_preemption_and_timers_still_fire() {
    let scheduler = Builder::new()
        .workers(2)
        .time_slice(Duration::MAX)
        .build::<()>()
        .unwrap();
    // Before, the driver thread panicked on the clock's overflow and no timer fired.
    timer_process(&scheduler)
        .join_timeout(WAIT)
        .expect("a timer fired");
}

#[test]
fn shutting_down_inside_an_own_step_panics_in_that_step() {
    for how in ["shutdown", "drop"] {
        let scheduler = Arc::new(Mutex::new(Some(
            Builder::new().workers(2).build::<()>().unwrap(),
        )));
        let handle = scheduler.lock().unwrap().as_ref().unwrap().handle();
        let owner = Arc::clone(&scheduler);
        let stopper = handle
            .spawn_joinable(move |_: &mut Context<'_, ()>| {
                let taken = owner.lock().unwrap().take();
                if let Some(taken) = taken {
                    if how == "shutdown" {
                        let _ = taken.shutdown(Shutdown::new("stop", Duration::ZERO));
                    } else {
                        drop(taken);
                    }
                }
                Step::Done(None)
            })
            .unwrap();
        // Before, the step waited for its own process to end: a silent hang.
        let exit = stopper.join_timeout(WAIT).expect("the step ended");
        let Exit::Panicked(message) = &*exit else {
            panic!("{how} inside a step: {exit:?}");
        };
        assert!(message.contains("inside a step"), "{message}");
        // The threads are left running, and still serve.
        handle
            .spawn_joinable(|_: &mut Context<'_, ()>| Step::Done(None))
            .unwrap()
            .join_timeout(WAIT)
            .expect("the scheduler still runs processes");
    }
}

#[test]
fn a_name_with_a_nul_byte_is_a_build_error() {
    let err = Builder::new().name("a\0b").build::<()>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the scheduler's name holds a NUL byte, which thread names cannot"
    );
}

#[test]
fn a_joined_process_is_no_longer_live() {
    let scheduler = Builder::new().workers(2).build::<()>().unwrap();
    let handle = scheduler.handle();
    for _ in 0..200 {
        handle
            .spawn_joinable(|_: &mut Context<'_, ()>| Step::Done(None))
            .unwrap()
            .join_timeout(WAIT)
            .expect("joined");
        assert_eq!(handle.metrics().live, 0);
    }
}
