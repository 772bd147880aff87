//! `Runtime::start` waits for a service's process to boot before it starts what depends
//! on the service, as the original's sequencer waits for the service's `Start()`: a
//! service that fails before it boots is retried and its dependents wait, one that gives
//! up blocks them (and the start fails, naming both), one that does not boot within
//! `start_timeout` is restarted, an optional one does not hold up the rest, and the
//! watcher of the wait may interrupt it.
//!
//! `rust.boot_script` processes say when they have booted (see `common`): when they act,
//! unless the act is a failure, so `hold run` boots only once it gets `go`.

mod common;

use common::{Harness, Journal, WAIT, register_script};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;
use wippy_runtime::lifecycle::{StartError, StartProgress};
use wippy_runtime::service::ServiceState;
use wippy_runtime::{Dest, Runtime};

const HOST: &str = "  - name: h
    kind: process.host
    host: {workers: 2}
    lifecycle: {auto_start: true}
";

fn service(name: &str, script: &str, lifecycle: &str) -> String {
    format!(
        "  - name: {name}_job\n    kind: rust.boot_script\n    script: [{script}]\n  - name: {name}\n    kind: process.service\n    process: {name}_job\n    host: h\n    lifecycle: {{auto_start: true, {lifecycle}}}\n"
    )
}

/// A runtime over the host and `services` (not started), its harness (which shuts it
/// down when dropped) and the journal of its scripted processes.
fn runtime(services: &[String]) -> (Runtime, Harness, Arc<Journal>) {
    let yaml = format!(
        "version: \"1.0\"\nnamespace: test\nentries:\n{HOST}{}",
        services.concat()
    );
    let harness = Harness::unstarted(&yaml);
    let journal = register_script(&harness.rt);
    (harness.rt.clone(), harness, journal)
}

/// Where `what` of `entry` is in the journal.
fn position(journal: &Journal, entry: &str, what: &str) -> Option<usize> {
    journal
        .notes()
        .iter()
        .position(|n| n.entry == entry && n.what == what)
}

fn problems(result: Result<(), StartError>) -> Vec<String> {
    match result {
        Ok(()) => panic!("the start should have failed"),
        Err(StartError { problems }) => problems,
    }
}

#[test]
fn dependents_start_once_the_service_has_booted() {
    let (rt, _harness, journal) = runtime(&[
        service("a", "hold run", "restart: {initial_delay: 10ms}"),
        service("b", "run", "requires: [a]"),
    ]);
    let starter = {
        let rt = rt.clone();
        std::thread::spawn(move || rt.start())
    };
    journal.wait_for(|notes| notes.iter().any(|n| n.entry == "test:a_job"));
    // `a` runs but has not booted: give a start that did not wait time to start `b`.
    std::thread::sleep(Duration::from_millis(100));
    assert!(!starter.is_finished(), "start returned before a booted");
    assert_eq!(position(&journal, "test:b_job", "start"), None);
    let a = rt.service("test:a").expect("a is started");
    assert_eq!(a.status.snapshot().state, ServiceState::Starting);
    let (snapshot, _) = a.status.wait_for(WAIT, |s| s.child.is_some());
    let child = snapshot.child.expect("a's process");
    rt.send(Dest::Pid(&child), "go", Default::default())
        .expect("go reaches a");
    starter
        .join()
        .expect("start does not panic")
        .expect("start succeeds");
    let booted = position(&journal, "test:a_job", "booted").expect("a booted");
    let b_started = position(&journal, "test:b_job", "start").expect("b started");
    assert!(booted < b_started, "{:#?}", journal.notes());
    let a = a.status.snapshot();
    assert_eq!(a.state, ServiceState::Running);
    assert_eq!((a.boots, a.restarts), (1, 0));
    rt.shutdown(Duration::from_secs(5));
}

#[test]
fn a_service_that_gives_up_before_booting_blocks_its_dependents_only() {
    let (rt, _harness, journal) = runtime(&[
        service(
            "a",
            "fail",
            "restart: {initial_delay: 10ms, max_attempts: 2}",
        ),
        service("b", "run", "requires: [a]"),
        service("c", "run", "requires: [b]"),
        service("d", "run", ""),
    ]);
    let problems = problems(rt.start());
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].contains("entry test:a: service failed to start")
            && problems[0].contains("scripted failure #1"),
        "{problems:#?}"
    );
    assert!(
        problems[1].contains("entry test:b: not started: requires test:a, which did not start"),
        "{problems:#?}"
    );
    assert!(
        problems[2].contains("entry test:c: not started: requires test:b, which did not start"),
        "{problems:#?}"
    );
    // Each problem names the YAML file and line of its entry.
    assert!(
        problems.iter().all(|p| p.starts_with("test/_index.yaml:")),
        "{problems:#?}"
    );
    assert_eq!(
        journal.of("test:a_job").len(),
        4,
        "two runs, each start + fail"
    );
    assert!(journal.of("test:b_job").is_empty());
    assert!(journal.of("test:c_job").is_empty());
    assert!(rt.service("test:b").is_none() && rt.service("test:c").is_none());
    // The independent branch started.
    let d = rt.service("test:d").expect("d is started");
    assert!(d.status.wait_for(WAIT, |s| s.boots == 1).1, "d booted");
    assert_eq!(
        rt.service("test:a").expect("a").status.snapshot().state,
        ServiceState::Failed
    );
    rt.shutdown(Duration::from_secs(5));
}

#[test]
fn failed_runs_before_the_boot_are_reported_and_retried_until_it_boots() {
    let (rt, _harness, journal) = runtime(&[
        service("a", "fail, fail, run", "restart: {initial_delay: 200ms}"),
        service("b", "run", "requires: [a]"),
    ]);
    let mut retries = Vec::new();
    rt.start_watching(|progress| {
        if let StartProgress::Retrying {
            service,
            error,
            failures,
        } = progress
        {
            retries.push((
                service.to_string(),
                error.map(|e| e.message().to_owned()),
                failures,
            ));
        }
        ControlFlow::Continue(())
    })
    .expect("a boots at its third run");
    // Each failure told once; two in quick succession may be told together.
    assert!(!retries.is_empty() && retries.len() <= 2, "{retries:?}");
    assert!(retries.windows(2).all(|w| w[0].2 < w[1].2), "{retries:?}");
    assert!(retries.iter().all(|(s, _, _)| s == "test:a"), "{retries:?}");
    let (_, last_error, failures) = retries.last().expect("told");
    assert_eq!(
        (last_error.as_deref(), *failures),
        (Some("scripted failure #1"), 2)
    );
    let a = rt.service("test:a").expect("a").status.snapshot();
    assert_eq!((a.boots, a.restarts, a.failures), (1, 2, 2));
    let booted = position(&journal, "test:a_job", "booted").expect("a booted");
    let b_started = position(&journal, "test:b_job", "start").expect("b started");
    assert!(booted < b_started, "{:#?}", journal.notes());
    rt.shutdown(Duration::from_secs(5));
}

#[test]
fn a_process_that_does_not_boot_within_start_timeout_is_a_failed_run() {
    let (rt, _harness, journal) = runtime(&[
        service(
            "a",
            "hold run, run",
            "start_timeout: 2s, restart: {initial_delay: 10ms}",
        ),
        service("b", "run", "requires: [a]"),
    ]);
    rt.start().expect("a boots at its second run");
    let a = rt.service("test:a").expect("a").status.snapshot();
    assert_eq!((a.boots, a.restarts), (1, 1));
    let error = a.last_error.expect("the first run's error");
    assert!(
        error
            .message()
            .contains("did not start within start_timeout (2s)"),
        "{error}"
    );
    // The first run never booted, the second did, and `b` came after it.
    let a_notes = journal.of("test:a_job");
    assert!(!a_notes.contains(&(0, "booted".to_owned())), "{a_notes:?}");
    assert!(a_notes.contains(&(1, "booted".to_owned())), "{a_notes:?}");
    assert!(position(&journal, "test:b_job", "start").is_some());
    rt.shutdown(Duration::from_secs(5));
}

#[test]
fn a_start_timeout_that_gives_up_fails_the_start() {
    let (rt, _harness, _journal) = runtime(&[service(
        "a",
        "hold run",
        "start_timeout: 50ms, restart: {initial_delay: 10ms, max_attempts: 1}",
    )]);
    let problems = problems(rt.start());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("entry test:a: service failed to start")
            && problems[0].contains("did not start within start_timeout (50ms)"),
        "{problems:#?}"
    );
    rt.shutdown(Duration::from_secs(5));
}

#[test]
fn runs_that_never_boot_are_never_stable_and_count_to_max_attempts() {
    // Each run is killed at `start_timeout`, past `stable_threshold` since its spawn:
    // it never booted, so the failure count is not reset, and the service gives up.
    let (rt, _harness, journal) = runtime(&[service(
        "a",
        "hold run",
        "start_timeout: 200ms, stable_threshold: 50ms, restart: {initial_delay: 10ms, max_attempts: 2}",
    )]);
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let rt = rt.clone();
        std::thread::spawn(move || tx.send(rt.start()));
    }
    let result = rx
        .recv_timeout(WAIT)
        .expect("the service gives up after two runs");
    let problems = problems(result);
    assert!(
        problems.len() == 1 && problems[0].contains("did not start within start_timeout"),
        "{problems:#?}"
    );
    let a = rt.service("test:a").expect("a").status.snapshot();
    assert_eq!((a.state, a.boots, a.failures), (ServiceState::Failed, 0, 2));
    assert_eq!(journal.of("test:a_job").len(), 2, "two runs, never booted");
}

#[test]
fn an_optional_service_still_retrying_does_not_hold_up_the_start() {
    let (rt, _harness, journal) = runtime(&[
        service(
            "a",
            "fail",
            "startup: optional, restart: {initial_delay: 20ms}",
        ),
        service("b", "run", "requires: [a]"),
        service("c", "run", ""),
    ]);
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let rt = rt.clone();
        std::thread::spawn(move || tx.send(rt.start()));
    }
    // `b` needs `a`: the start waits for it (retrying for ever).
    journal.wait_for(|notes| notes.iter().filter(|n| n.entry == "test:a_job").count() >= 6);
    assert!(rx.try_recv().is_err(), "start returned while b waits for a");
    assert!(journal.of("test:b_job").is_empty());
    // The shutdown stops `a` for good: `b` is not started, and says why (`a`, optional,
    // is no problem of its own).
    rt.shutdown(Duration::from_secs(5));
    let result = rx
        .recv_timeout(WAIT)
        .expect("the start ends once the runtime stops");
    let problems = problems(result);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("entry test:b: not started: requires test:a"),
        "{problems:#?}"
    );

    // Without `b`, nothing waits for `a`, and the start returns while it retries.

    let (rt, _harness, journal) = runtime(&[
        service(
            "a",
            "fail",
            "startup: optional, restart: {initial_delay: 20ms}",
        ),
        service("c", "run", ""),
    ]);
    rt.start().expect("nothing waits for the optional service");
    journal.wait_for(|notes| {
        notes
            .iter()
            .any(|n| n.entry == "test:c_job" && n.what == "booted")
    });
    let a = rt.service("test:a").expect("a is supervised");
    assert!(
        a.status.wait_for(WAIT, |s| s.restarts >= 2).1,
        "a goes on retrying"
    );
    assert!(!a.status.snapshot().state.is_final());
    rt.shutdown(Duration::from_secs(5));
}

#[test]
fn the_watcher_can_interrupt_the_wait() {
    let (rt, _harness, _journal) = runtime(&[
        service("a", "fail", "restart: {initial_delay: 10ms}"),
        service("b", "run", "requires: [a]"),
    ]);
    let mut asked = 0;
    let problems = problems(rt.start_watching(|_| {
        asked += 1;
        if asked >= 3 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }));
    assert_eq!(
        problems,
        ["start interrupted while waiting for test:a to start"]
    );
    assert!(rt.service("test:b").is_none());
    // What started keeps running until the shutdown.
    assert!(
        !rt.service("test:a")
            .expect("a")
            .status
            .snapshot()
            .state
            .is_final()
    );
    rt.shutdown(Duration::from_secs(5));
}
