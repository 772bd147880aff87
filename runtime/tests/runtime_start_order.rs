//! The start order of the registry's entries (`lifecycle::start_order`): dependencies
//! first, through `requires`/`depends_on` and through references to entries with a
//! lifecycle, registry order otherwise; the problems it reports; and `Runtime::start` /
//! `Runtime::shutdown` following that order forwards and backwards.

mod common;

use common::{Harness, WAIT, register_script};
use wippy_runtime::host::HostKind;
use wippy_runtime::lifecycle::{CONTROL_HOST, ServiceHandle, StartError, start_order};
use wippy_runtime::registry::{Registry, parse_file};
use wippy_runtime::service::ServiceState;

fn yaml(entries: &str) -> String {
    format!("version: \"1.0\"\nnamespace: test\nentries:\n{entries}")
}

fn order(entries: &str) -> Vec<String> {
    let registry = common::registry(&yaml(entries));
    match start_order(&registry) {
        Ok(order) => order.iter().map(ToString::to_string).collect(),
        Err(error) => panic!("start_order failed:\n{error}"),
    }
}

fn problems(entries: &str) -> Vec<String> {
    let registry = common::registry(&yaml(entries));
    match start_order(&registry) {
        Ok(order) => panic!("expected problems, got the order {order:?}"),
        Err(StartError { problems }) => problems,
    }
}

/// `file:line: entry id: ` for the entry whose `- name:` line names `name`.
fn at(entries: &str, name: &str) -> String {
    let text = yaml(entries);
    let line = text
        .lines()
        .position(|l| l.trim() == format!("- name: {name}"))
        .expect("entry in the yaml")
        + 1;
    format!("test/_index.yaml:{line}: entry test:{name}: ")
}

const JOB: &str = "  - name: job
    kind: rust.script
    script: [run]
";

fn host(name: &str, lifecycle: &str) -> String {
    format!(
        "  - name: {name}\n    kind: process.host\n    host: {{workers: 1}}\n    lifecycle: {{{lifecycle}}}\n"
    )
}

fn service(name: &str, host: &str, lifecycle: &str) -> String {
    format!(
        "  - name: {name}\n    kind: process.service\n    process: job\n    host: {host}\n    lifecycle: {{{lifecycle}}}\n"
    )
}

#[test]
fn requirements_and_referenced_hosts_come_first() {
    let entries = [
        JOB.to_owned(),
        service("c", "h", "auto_start: true, depends_on: [b]"),
        service("b", "h", "auto_start: true, requires: [a]"),
        service("a", "h", "auto_start: true"),
        host("h", "auto_start: true"),
    ]
    .concat();
    assert_eq!(order(&entries), ["test:h", "test:a", "test:b", "test:c"]);
}

#[test]
fn independent_entries_keep_registry_order() {
    let entries = [
        host("hc", "auto_start: true"),
        host("ha", "auto_start: true"),
        host("hb", "auto_start: true"),
    ]
    .concat();
    assert_eq!(order(&entries), ["test:hc", "test:ha", "test:hb"]);
}

/// Depth-first in registry order: an entry's dependencies are pulled in just before it,
/// everything else stays where the registry has it.
#[test]
fn dependencies_are_pulled_in_front_of_their_first_user() {
    let entries = [
        JOB.to_owned(),
        service("s1", "h2", "auto_start: true"),
        host("h1", "auto_start: true"),
        service("s2", "h1", "auto_start: true"),
        host("h2", "auto_start: true"),
    ]
    .concat();
    assert_eq!(
        order(&entries),
        ["test:h2", "test:s1", "test:h1", "test:s2"]
    );
}

#[test]
fn entries_without_auto_start_start_only_when_required() {
    let entries = [
        JOB.to_owned(),
        // Referenced by an auto-started service: started although not auto_start.
        host("used", "auto_start: false"),
        // Nobody needs these.
        host("unused", ""),
        service("dormant", "used", "auto_start: false"),
        // Required by an auto-started service: started.
        service("needed", "used", ""),
        service("main", "used", "auto_start: true, requires: [needed]"),
    ]
    .concat();
    assert_eq!(order(&entries), ["test:used", "test:needed", "test:main"]);
}

#[test]
fn nothing_auto_started_means_nothing_to_start() {
    let entries = [JOB.to_owned(), host("h", ""), service("s", "h", "")].concat();
    assert!(order(&entries).is_empty());
}

#[test]
fn a_cycle_is_reported_naming_its_entries() {
    let entries = [
        JOB.to_owned(),
        host("h", "auto_start: true"),
        service("a", "h", "auto_start: true, requires: [b]"),
        service("b", "h", "requires: [c]"),
        service("c", "h", "requires: [a]"),
    ]
    .concat();
    assert_eq!(
        problems(&entries),
        [format!(
            "{}dependency cycle: test:a -> test:b -> test:c -> test:a",
            at(&entries, "a")
        )]
    );
}

#[test]
fn an_entry_requiring_itself_is_a_cycle() {
    let entries = [
        JOB.to_owned(),
        host("h", "auto_start: true"),
        service("a", "h", "auto_start: true, requires: [a]"),
    ]
    .concat();
    assert_eq!(
        problems(&entries),
        [format!(
            "{}dependency cycle: test:a -> test:a",
            at(&entries, "a")
        )]
    );
}

const NOT_SUPPORTED: &str = "cannot be started by this runtime yet (it starts process.host, terminal.host and process.service)";

/// Every problem is reported, not only the first: here an auto-started kind the runtime
/// does not run, a required entry that never runs (reported at the entry that requires
/// it), and a cycle.
#[test]
fn unsupported_kinds_and_cycles_are_all_reported() {
    let entries = [
        JOB.to_owned(),
        "  - name: gateway
    kind: http.service
    addr: \":8080\"
    lifecycle: {auto_start: true}
  - name: quiet_gateway
    kind: http.service
    addr: \":8081\"
    lifecycle: {auto_start: false}
  - name: settings
    kind: registry.entry
    value: 1
"
        .to_owned(),
        host("h", "auto_start: true"),
        service(
            "uses_settings",
            "h",
            "auto_start: true, requires: [settings]",
        ),
        service("x", "h", "auto_start: true, requires: [y]"),
        service("y", "h", "requires: [x]"),
    ]
    .concat();
    assert_eq!(
        problems(&entries),
        [
            format!(
                "{}startup blocked: requires test:settings, a registry.entry entry, which is no service or host and never runs",
                at(&entries, "uses_settings")
            ),
            format!(
                "{}kind http.service {NOT_SUPPORTED}",
                at(&entries, "gateway")
            ),
            format!(
                "{}dependency cycle: test:x -> test:y -> test:x",
                at(&entries, "x")
            ),
        ]
    );
}

/// A requirement that is not in the registry never reaches `start_order`: building the
/// registry refuses the reference, naming the entry and the field.
#[test]
fn a_missing_requirement_is_refused_by_the_registry() {
    let entries = [
        JOB.to_owned(),
        host("h", "auto_start: true"),
        service("a", "h", "auto_start: true, requires: [ghost]"),
    ]
    .concat();
    let text = yaml(&entries);
    let parsed = parse_file(std::path::Path::new("test/_index.yaml"), &text).unwrap();
    let error = Registry::from_entries(parsed).expect_err("unknown requirement");
    let line = text
        .lines()
        .position(|l| l.contains("requires: [ghost]"))
        .unwrap()
        + 1;
    assert_eq!(
        error.to_string(),
        format!(
            "test/_index.yaml:{line}: entry test:a: field \"lifecycle.requires[0]\": refers to test:ghost, which no loaded file defines"
        )
    );
}

/// Services listed before the hosts they run on, the second requiring the first.
fn two_services() -> String {
    yaml(
        &[
            "  - name: job1\n    kind: rust.script\n    script: [run]\n".to_owned(),
            "  - name: job2\n    kind: rust.script\n    script: [run]\n".to_owned(),
            "  - name: second\n    kind: process.service\n    process: job2\n    host: h2\n    lifecycle: {auto_start: true, requires: [first]}\n".to_owned(),
            "  - name: first\n    kind: process.service\n    process: job1\n    host: h1\n    lifecycle: {auto_start: true}\n".to_owned(),
            host("h2", "auto_start: true"),
            host("h1", "auto_start: true"),
        ]
        .concat(),
    )
}

fn running(service: &ServiceHandle) {
    let (snapshot, held) = service
        .status
        .wait_for(WAIT, |s| s.state == ServiceState::Running);
    assert!(held, "{} never ran: {snapshot:?}", service.id);
}

#[test]
fn start_starts_each_host_before_the_services_on_it() {
    let h = Harness::unstarted(&two_services());
    let _journal = register_script(&h.rt);
    let planned: Vec<String> = start_order(&h.rt.registry())
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(planned, ["test:h1", "test:first", "test:h2", "test:second"]);
    h.rt.start().expect("everything starts");
    // The control host, where supervisors run, starts with the first service.
    let hosts: Vec<String> = h.rt.hosts().iter().map(|h| h.id().to_string()).collect();
    assert_eq!(hosts, ["test:h1", CONTROL_HOST, "test:h2"]);
    let services = h.rt.services();
    let ids: Vec<String> = services.iter().map(|s| s.id.to_string()).collect();
    assert_eq!(ids, ["test:first", "test:second"]);
    for (service, host) in services.iter().zip(["test:h1", "test:h2"]) {
        running(service);
        let child = service.status.snapshot().child.unwrap();
        assert!(
            child.to_string().starts_with(&format!("{{{host}|")),
            "{child}"
        );
    }
    assert_eq!(h.rt.host("test:h1").unwrap().workers(), 1);
}

#[test]
fn shutdown_stops_services_in_reverse_start_order() {
    let h = Harness::unstarted(&two_services());
    let journal = register_script(&h.rt);
    h.rt.start().expect("everything starts");
    let [first, second] = [h.rt.service("test:first"), h.rt.service("test:second")]
        .map(|s| s.expect("service started"));
    running(&first);
    running(&second);
    // Watches the first service; when it has ended, the second must have ended already.
    let watcher = {
        let (first, second) = (first.status.clone(), second.status.clone());
        std::thread::spawn(move || {
            let (snapshot, held) = first.wait_for(WAIT, |s| s.state.is_final());
            assert!(held, "first never ended: {snapshot:?}");
            (snapshot.state, second.snapshot().state)
        })
    };
    h.rt.shutdown(std::time::Duration::from_secs(1));
    let (first_state, second_state_then) = watcher.join().unwrap();
    assert_eq!(first_state, ServiceState::Stopped);
    assert_eq!(
        second_state_then,
        ServiceState::Stopped,
        "the dependent service had stopped before the first one ended"
    );
    assert_eq!(second.status.snapshot().state, ServiceState::Stopped);
    // The first service was asked to stop only after the second had stopped.
    let stops: Vec<(String, String)> = journal
        .notes()
        .into_iter()
        .filter(|n| n.what != "start")
        .map(|n| (n.entry, n.what))
        .collect();
    let expected = [
        ("test:job2", "cancel: service stopping"),
        ("test:job2", "exit"),
        ("test:job1", "cancel: service stopping"),
        ("test:job1", "exit"),
    ]
    .map(|(a, b)| (a.to_owned(), b.to_owned()));
    assert_eq!(stops, expected);
    assert!(h.rt.hosts().is_empty(), "every host stopped");
}

#[test]
fn hosts_get_their_workers() {
    let entries = [
        host("one", "auto_start: true"),
        "  - name: cores
    kind: process.host
    host: {queue_size: 4096, local_queue_size: 512}
    lifecycle: {auto_start: true}
  - name: term
    kind: terminal.host
    lifecycle: {auto_start: true}
"
        .to_owned(),
    ]
    .concat();
    let h = Harness::with_yaml(&yaml(&entries));
    assert_eq!(h.rt.host("test:one").unwrap().workers(), 1);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    assert_eq!(h.rt.host("test:cores").unwrap().workers(), cores);
    let term = h.rt.host("test:term").unwrap();
    assert_eq!(term.workers(), 1);
    assert_eq!(term.kind(), HostKind::Terminal);
    assert!(
        h.rt.host(CONTROL_HOST).is_none(),
        "no service, no control host"
    );
}
