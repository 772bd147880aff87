use super::*;

#[test]
fn notify_idle_schedules_exactly_once() {
    let state = State::new_scheduled();
    state.start_run();
    assert!(!state.finish_wait());
    assert_eq!(state.notify(), Wake::Schedule);
    assert_eq!(state.notify(), Wake::Coalesced);
    assert_eq!(state.bits(), SCHEDULED);
}

#[test]
fn notify_while_running_runs_again() {
    let state = State::new_scheduled();
    state.start_run();
    assert_eq!(state.notify(), Wake::Coalesced);
    assert_eq!(state.bits(), RUNNING | NOTIFIED);
    assert!(state.finish_wait());
    assert_eq!(state.bits(), SCHEDULED);
}

#[test]
fn yield_reschedules_and_absorbs_notification() {
    let state = State::new_scheduled();
    state.start_run();
    assert_eq!(state.notify(), Wake::Coalesced);
    state.finish_yield();
    assert_eq!(state.bits(), SCHEDULED);
}

#[test]
fn done_is_final() {
    let state = State::new_scheduled();
    state.start_run();
    state.finish_exit();
    assert!(state.is_done());
    assert_eq!(state.notify(), Wake::Done);
    assert_eq!(state.bits(), DONE);
}
