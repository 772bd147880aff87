//! Change sets that touch hosts and services act on them while the runtime runs: a
//! created service or host with `auto_start` starts, a deleted one stops, an updated
//! service takes its new entry at its process's next start, an updated host restarts,
//! and going back to a version undoes what the versions after it started.
//!
//! The services run `rust.script` processes (see `common::register_script`), which note
//! what they do in a journal; tests wait on it, never sleep.

mod common;

use common::{WAIT, scripted};
use wippy_runtime::Dest;
use wippy_runtime::payload::{Map, Payload};
use wippy_runtime::registry::{Change, Entry, EntryId};
use wippy_runtime::service::ServiceState;

/// `common::BASE` (host `test:procs`) plus script entries: `test:job` waits for `go`
/// and then fails on its first start and runs on later ones; `test:runner` runs;
/// `test:deaf` ignores CANCEL on its first start; `test:gate` boots only after `go`;
/// `test:broken` fails before it boots, not to be retried; the service `test:dormant`
/// (runner) does not `auto_start`.
fn yaml() -> String {
    format!(
        "{base}  - name: job
    kind: rust.script
    script: [hold fail, run]
  - name: runner
    kind: rust.script
    script: [run]
  - name: deaf
    kind: rust.script
    script: [ignore, run]
  - name: gate
    kind: rust.boot_script
    script: [hold run]
  - name: broken
    kind: rust.boot_script
    script: [fail_final]
  - name: dormant
    kind: process.service
    process: runner
    host: procs
",
        base = common::BASE
    )
}

fn id(text: &str) -> EntryId {
    text.parse().expect("an entry id")
}

fn data(pairs: &[(&str, Payload)]) -> Map {
    pairs.iter().map(|(k, v)| (*k, v.clone())).collect::<Map>()
}

fn auto_start() -> Payload {
    Payload::map([("auto_start", Payload::from(true))])
}

fn service(name: &str, process: &str, host: &str, input: i64) -> Entry {
    service_with(name, process, host, input, auto_start())
}

fn service_with(name: &str, process: &str, host: &str, input: i64, lifecycle: Payload) -> Entry {
    Entry::from_data(
        &id(name),
        "process.service",
        &Map::new(),
        &data(&[
            ("process", Payload::from(process)),
            ("host", Payload::from(host)),
            ("input", Payload::Array(vec![Payload::Int(input)].into())),
            ("lifecycle", lifecycle),
        ]),
    )
    .expect("a service entry")
}

fn host(name: &str) -> Entry {
    Entry::from_data(
        &id(name),
        "process.host",
        &Map::new(),
        &data(&[("lifecycle", auto_start())]),
    )
    .expect("a host entry")
}

fn started_with(notes: &[common::Note], entry: &str, instance: usize) -> Option<Vec<Payload>> {
    notes
        .iter()
        .find(|n| n.entry == entry && n.instance == instance && n.what == "start")
        .map(|n| n.args.iter().cloned().collect())
}

fn cancelled(notes: &[common::Note], entry: &str, instance: usize) -> bool {
    notes
        .iter()
        .any(|n| n.entry == entry && n.instance == instance && n.what.starts_with("cancel"))
}

/// The service's running process. The child notes its start in the journal as soon as
/// it runs, which may be before its supervisor has recorded it: wait for the record.
fn running_child(svc: &wippy_runtime::lifecycle::ServiceHandle) -> wippy_runtime::pid::Pid {
    let (snapshot, recorded) = svc.status.wait_for(WAIT, |s| s.child.is_some());
    assert!(
        recorded,
        "the service never recorded its child: {snapshot:?}"
    );
    snapshot.child.expect("a running child")
}

#[test]
fn a_service_is_started_updated_for_its_next_start_and_stopped_by_change_sets() {
    let (h, journal) = scripted(&yaml());
    assert!(h.rt.service("test:svc").is_none());

    h.rt.apply_registry_changes(&[Change::Create(service("test:svc", "job", "procs", 1))])
        .expect("a service is created");
    let notes = journal.wait_for(|n| started_with(n, "test:job", 0).is_some());
    assert_eq!(
        started_with(&notes, "test:job", 0),
        Some(vec![Payload::Int(1)])
    );
    let svc = h.rt.service("test:svc").expect("the created service runs");

    // The update leaves the running process be; its next start has the new input.
    h.rt.apply_registry_changes(&[Change::Update(service("test:svc", "job", "procs", 2))])
        .expect("the service is updated");
    let first = running_child(&svc);
    assert!(
        h.rt.is_alive(&first),
        "an update does not restart the process"
    );
    h.rt.send(Dest::Pid(&first), "go", Default::default())
        .expect("the held child is alive");
    let notes = journal.wait_for(|n| started_with(n, "test:job", 1).is_some());
    assert_eq!(
        started_with(&notes, "test:job", 1),
        Some(vec![Payload::Int(2)]),
        "the restart runs the updated entry"
    );

    // The delete stops it: its process gets CANCEL, and the service ends.
    h.rt.apply_registry_changes(&[Change::Delete(id("test:svc"))])
        .expect("the service is deleted");
    journal.wait_for(|n| cancelled(n, "test:job", 1));
    let (snapshot, ended) = svc.status.wait_for(WAIT, |s| s.state.is_final());
    assert!(ended, "the service never ended: {snapshot:?}");
    assert_eq!(snapshot.state, ServiceState::Stopped);
    assert!(h.rt.service("test:svc").is_none());
    h.rt.shutdown(WAIT);
}

/// `service(...)` on `test:procs` whose lifecycle also has `depends_on`.
fn dependent_service(name: &str, process: &str, depends_on: &str) -> Entry {
    let lifecycle = Payload::map([
        ("auto_start", Payload::from(true)),
        (
            "depends_on",
            Payload::Array(vec![Payload::from(depends_on)].into()),
        ),
    ]);
    service_with(name, process, "procs", 0, lifecycle)
}

#[test]
fn services_of_one_change_set_start_in_dependency_order() {
    let (h, _journal) = scripted(&yaml());
    // The dependent comes first in the change set; what it depends on starts first.
    h.rt.apply_registry_changes(&[
        Change::Create(dependent_service("test:late", "runner", "test:early")),
        Change::Create(service("test:early", "runner", "procs", 1)),
    ])
    .expect("two services, one depending on the other");
    let started: Vec<String> = h.rt.services().iter().map(|s| s.id.to_string()).collect();
    assert_eq!(started, ["test:early", "test:late"]);
    h.rt.shutdown(WAIT);
}

#[test]
fn a_host_and_its_service_start_together_and_stop_with_the_host() {
    let (h, journal) = scripted(&yaml());
    // The service comes first in the change set: hosts start before services.
    h.rt.apply_registry_changes(&[
        Change::Create(service("test:on_extra", "runner", "extra", 7)),
        Change::Create(host("test:extra")),
    ])
    .expect("a host and a service on it are created");
    let notes = journal.wait_for(|n| started_with(n, "test:runner", 0).is_some());
    assert_eq!(
        started_with(&notes, "test:runner", 0),
        Some(vec![Payload::Int(7)])
    );
    let extra = h.rt.host("test:extra").expect("the created host runs");
    let svc = h.rt.service("test:on_extra").expect("its service runs");
    let child = running_child(&svc);
    assert_eq!(child.host(), "test:extra");

    // Deleting the host stops it with its processes (the service itself stays, and
    // cannot start its process again until a host of that name runs).
    h.rt.apply_registry_changes(&[
        Change::Delete(id("test:on_extra")),
        Change::Delete(id("test:extra")),
    ])
    .expect("the host and its service are deleted");
    assert!(h.rt.host("test:extra").is_none());
    journal.wait_for(|n| cancelled(n, "test:runner", 0));
    h.rt.spawn(wippy_runtime::SpawnSpec::new("test:runner", "test:extra"))
        .expect_err("no spawn onto a deleted host");
    drop(extra);
    h.rt.shutdown(WAIT);
}

#[test]
fn an_updated_host_restarts_and_going_back_undoes_what_later_versions_started() {
    let (h, journal) = scripted(&yaml());
    let made =
        h.rt.apply_registry_changes(&[
            Change::Create(host("test:extra")),
            Change::Create(service("test:on_extra", "runner", "extra", 1)),
        ])
        .expect("version 2");
    // The registry booted with is version 1.
    assert_eq!(made.id, 2);
    journal.wait_for(|n| started_with(n, "test:runner", 0).is_some());
    let before = h.rt.host("test:extra").expect("the host runs");

    // An update replaces the host: the old one stops with its processes (this one exits
    // normally on CANCEL, so its service does not restart it).
    h.rt.apply_registry_changes(&[Change::Update(host("test:extra"))])
        .expect("the host is updated");
    let after = h.rt.host("test:extra").expect("the host runs again");
    assert!(!std::sync::Arc::ptr_eq(&before, &after), "a new host");
    journal.wait_for(|n| cancelled(n, "test:runner", 0));

    // Back to version 1: the host and the service were made after it, and stop.
    h.rt.apply_registry_version(1).expect("back to version 1");
    assert!(h.rt.host("test:extra").is_none());
    assert!(h.rt.service("test:on_extra").is_none());
    assert!(h.rt.registry().get_str("test:on_extra").is_none());
    h.rt.shutdown(WAIT);
}

#[test]
fn a_service_deleted_and_made_again_starts_once_its_old_process_has_ended() {
    let (h, journal) = scripted(&yaml());
    let lifecycle = Payload::map([
        ("auto_start", Payload::from(true)),
        ("stop_timeout", Payload::from("400ms")),
    ]);
    h.rt.apply_registry_changes(&[Change::Create(service_with(
        "test:svc",
        "deaf",
        "procs",
        1,
        lifecycle.clone(),
    ))])
    .expect("a service is created");
    journal.wait_for(|n| started_with(n, "test:deaf", 0).is_some());
    let old = running_child(&h.rt.service("test:svc").expect("it runs"));

    // Deleted and made again in one change set: the old process ignores CANCEL and is
    // terminated after its stop_timeout; only then does the new one start.
    h.rt.apply_registry_changes(&[
        Change::Delete(id("test:svc")),
        Change::Create(service_with("test:svc", "deaf", "procs", 2, lifecycle)),
    ])
    .expect("the service is deleted and made again");
    let notes = journal.wait_for(|n| started_with(n, "test:deaf", 1).is_some());
    assert!(
        !h.rt.is_alive(&old),
        "the new process started while the old one ran"
    );
    assert!(cancelled(&notes, "test:deaf", 0));
    assert_eq!(
        started_with(&notes, "test:deaf", 1),
        Some(vec![Payload::Int(2)])
    );
    h.rt.shutdown(WAIT);
}

#[test]
fn a_service_made_while_the_runtime_runs_waits_for_the_services_it_depends_on() {
    let (h, journal) = scripted(&yaml());
    let gate = Payload::map([("auto_start", Payload::from(true))]);
    h.rt.apply_registry_changes(&[
        Change::Create(dependent_service("test:late", "runner", "test:early")),
        Change::Create(service_with("test:early", "gate", "procs", 0, gate)),
    ])
    .expect("two services, one depending on the other");
    journal.wait_for(|n| started_with(n, "test:gate", 0).is_some());
    let late = h.rt.service("test:late").expect("its supervisor runs");
    // Time for a start that should not happen (the gate has not booted).
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(
        started_with(&journal.notes(), "test:runner", 0).is_none(),
        "the dependent started before what it depends on booted"
    );
    assert_eq!(late.status.snapshot().state, ServiceState::Starting);

    let early = running_child(&h.rt.service("test:early").expect("it runs"));
    h.rt.send(Dest::Pid(&early), "go", Default::default())
        .expect("the gate is alive");
    journal.wait_for(|n| started_with(n, "test:runner", 0).is_some());
    h.rt.shutdown(WAIT);
}

#[test]
fn a_service_whose_dependency_did_not_start_is_not_started() {
    let (h, journal) = scripted(&yaml());
    let broken = Payload::map([("auto_start", Payload::from(true))]);
    h.rt.apply_registry_changes(&[
        Change::Create(service_with("test:dep", "broken", "procs", 0, broken)),
        Change::Create(dependent_service("test:user", "runner", "test:dep")),
    ])
    .expect("two services, one depending on the other");
    let user = h.rt.service("test:user").expect("its supervisor runs");
    let (snapshot, ended) = user.status.wait_for(WAIT, |s| s.state.is_final());
    assert!(ended, "the dependent never gave up: {snapshot:?}");
    assert_eq!(snapshot.state, ServiceState::Failed);
    let error = snapshot
        .last_error
        .expect("why it did not start")
        .to_string();
    assert!(
        error.contains("requires test:dep, which did not start"),
        "{error}"
    );
    assert!(started_with(&journal.notes(), "test:runner", 0).is_none());
    h.rt.shutdown(WAIT);
}

#[test]
fn deletes_and_creates_in_a_row_run_one_process_of_the_service_at_a_time() {
    let (h, journal) = scripted(&yaml());
    let lifecycle = Payload::map([
        ("auto_start", Payload::from(true)),
        ("stop_timeout", Payload::from("400ms")),
    ]);
    let svc = |input| service_with("test:svc", "deaf", "procs", input, lifecycle.clone());
    h.rt.apply_registry_changes(&[Change::Create(svc(1))])
        .expect("a service is created");
    journal.wait_for(|n| started_with(n, "test:deaf", 0).is_some());
    let old = running_child(&h.rt.service("test:svc").expect("it runs"));

    // The second service waits for the first's process, and is deleted while it waits:
    // the third waits for both.
    for input in [2, 3] {
        h.rt.apply_registry_changes(&[Change::Delete(id("test:svc"))])
            .expect("the service is deleted");
        h.rt.apply_registry_changes(&[Change::Create(svc(input))])
            .expect("the service is made again");
    }
    let notes = journal.wait_for(|n| started_with(n, "test:deaf", 1).is_some());
    assert!(
        !h.rt.is_alive(&old),
        "a new process started while the first one ran"
    );
    assert_eq!(
        started_with(&notes, "test:deaf", 1),
        Some(vec![Payload::Int(3)]),
        "the process of the last entry, and no other"
    );
    h.rt.shutdown(WAIT);
}

#[test]
fn a_service_created_and_deleted_in_one_change_set_does_not_start() {
    let (h, journal) = scripted(&yaml());
    h.rt.apply_registry_changes(&[
        Change::Create(service("test:svc", "runner", "procs", 1)),
        Change::Delete(id("test:svc")),
    ])
    .expect("a service made and deleted");
    assert!(
        h.rt.service("test:svc").is_none(),
        "the deleted service runs"
    );
    assert!(h.rt.services().is_empty());
    assert!(started_with(&journal.notes(), "test:runner", 0).is_none());
    h.rt.shutdown(WAIT);
}

#[test]
fn a_service_created_and_updated_in_one_change_set_runs_once_with_its_latest_entry() {
    let (h, journal) = scripted(&yaml());
    h.rt.apply_registry_changes(&[
        Change::Create(service("test:svc", "runner", "procs", 1)),
        Change::Update(service("test:svc", "runner", "procs", 2)),
    ])
    .expect("a service made and updated");
    let supervisors: Vec<String> = h.rt.services().iter().map(|s| s.id.to_string()).collect();
    assert_eq!(supervisors, ["test:svc"], "one supervisor");
    let notes = journal.wait_for(|n| started_with(n, "test:runner", 0).is_some());
    assert_eq!(
        started_with(&notes, "test:runner", 0),
        Some(vec![Payload::Int(2)])
    );
    h.rt.shutdown(WAIT);
}

#[test]
fn a_created_service_starts_what_it_depends_on_that_does_not_run() {
    let (h, journal) = scripted(&yaml());
    assert!(h.rt.service("test:dormant").is_none());
    h.rt.apply_registry_changes(&[Change::Create(dependent_service(
        "test:needs",
        "runner",
        "test:dormant",
    ))])
    .expect("a service depending on one that does not run");
    let started: Vec<String> = h.rt.services().iter().map(|s| s.id.to_string()).collect();
    assert_eq!(started, ["test:dormant", "test:needs"]);
    // Both processes start: the dependency's first.
    journal.wait_for(|n| started_with(n, "test:runner", 1).is_some());
    running_child(&h.rt.service("test:dormant").expect("it runs"));
    running_child(&h.rt.service("test:needs").expect("it runs"));
    h.rt.shutdown(WAIT);
}
