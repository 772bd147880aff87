//! State-word transitions under concurrent wake-ups.

use crate::state::{State, Wake};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

fn idle_state() -> State {
    let state = State::new_scheduled();
    state.start_run();
    assert!(!state.finish_wait());
    state
}

#[test]
fn loom_state_two_notifies_schedule_once() {
    loom::model(|| {
        let state = Arc::new(idle_state());
        let schedules = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (state, schedules) = (Arc::clone(&state), Arc::clone(&schedules));
                thread::spawn(move || {
                    if state.notify() == Wake::Schedule {
                        schedules.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(schedules.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn loom_state_notify_during_run_is_not_lost() {
    loom::model(|| {
        let state = Arc::new(State::new_scheduled());
        state.start_run();
        let notifier = {
            let state = Arc::clone(&state);
            thread::spawn(move || state.notify())
        };
        let rerun = state.finish_wait();
        let outcome = notifier.join().unwrap();
        // Exactly one of the two sides is responsible for the next run.
        assert_eq!(
            usize::from(rerun) + usize::from(outcome == Wake::Schedule),
            1
        );
    });
}

#[test]
fn loom_state_notify_races_yield_and_exit() {
    loom::model(|| {
        let state = Arc::new(State::new_scheduled());
        state.start_run();
        let notifier = {
            let state = Arc::clone(&state);
            thread::spawn(move || state.notify())
        };
        state.finish_yield();
        // The yield already queued the process: a notify can only coalesce.
        let outcome = notifier.join().unwrap();
        assert_eq!(outcome, Wake::Coalesced);
        state.start_run();
        let notifier = {
            let state = Arc::clone(&state);
            thread::spawn(move || state.notify())
        };
        state.finish_exit();
        let outcome = notifier.join().unwrap();
        assert_ne!(
            outcome,
            Wake::Schedule,
            "a process was scheduled while exiting"
        );
        let bits = state.bits();
        assert_eq!(state.notify(), Wake::Done, "bits {bits:#b}");
    });
}
