//! Messages, names and PIDs through the runtime's public API, with Rust processes.

mod common;

use common::{Harness, Seen};
use wippy_runtime::payload::Payload;
use wippy_runtime::{Dest, RuntimeError};

fn payload_text(seen: &Seen) -> String {
    match seen {
        Seen::Message { payloads, .. } => payloads
            .first()
            .and_then(Payload::as_str)
            .unwrap_or("")
            .to_owned(),
        other => panic!("expected a message, got {other:?}"),
    }
}

#[test]
fn pid_prints_host_and_counter() {
    let h = Harness::new();
    let pid = h.probe();
    let text = pid.to_string();
    assert!(text.starts_with("{test:procs|0x"), "{text}");
    assert_eq!(text.len(), "{test:procs|0x00000}".len());
    assert_eq!(h.rt.resolve_pid(Dest::Str(&text)).unwrap(), pid);
}

#[test]
fn send_by_pid_string_and_by_name_arrives_with_sender_and_topic() {
    let h = Harness::new();
    let a = h.probe();
    let b = h.probe();
    assert_eq!(h.command(&b, "register", &["bee"]), Ok(String::new()));
    assert_eq!(
        h.command(&a, "send", &["bee", "hello", "by name"]),
        Ok(String::new())
    );
    match h.next_from(&b) {
        Seen::Message {
            topic,
            from,
            payloads,
        } => {
            assert_eq!(topic, "hello");
            assert_eq!(from, Some(a.clone()));
            assert_eq!(payloads[0].as_str(), Some("by name"));
        }
        other => panic!("{other:?}"),
    }
    let b_text = b.to_string();
    assert_eq!(
        h.command(&a, "send", &[&b_text, "hi", "by pid"]),
        Ok(String::new())
    );
    assert_eq!(payload_text(&h.next_from(&b)), "by pid");
}

#[test]
fn delivery_is_fifo_per_sender() {
    let h = Harness::new();
    let b = h.probe();
    for i in 0..500 {
        h.rt.send(
            Dest::Pid(&b),
            "n",
            std::iter::once(Payload::from(i.to_string())).collect(),
        )
        .unwrap();
    }
    for i in 0..500 {
        assert_eq!(payload_text(&h.next_from(&b)), i.to_string());
    }
}

#[test]
fn reserved_topics_dead_pids_and_unknown_names_fail_at_once() {
    let h = Harness::new();
    let b = h.probe();
    assert_eq!(
        h.rt.send(Dest::Pid(&b), "@pid/events", Default::default()),
        Err(RuntimeError::ReservedTopic("@pid/events".into()))
    );
    assert_eq!(
        h.rt.send(Dest::Str("nobody"), "t", Default::default()),
        Err(RuntimeError::Unresolved("nobody".into()))
    );
    assert_eq!(
        RuntimeError::Unresolved("nobody".into()).to_string(),
        "could not resolve: nobody"
    );
    h.tell(&b, "exit", &["bye"]);
    h.wait_dead(&b);
    let err =
        h.rt.send(Dest::Pid(&b), "t", Default::default())
            .unwrap_err();
    assert_eq!(err, RuntimeError::ProcessNotFound);
    assert_eq!(err.to_string(), "process not found");
    // A well-formed PID that never existed, and one on another host.
    assert_eq!(
        h.rt.send(Dest::Str("{test:procs|0xfffff}"), "t", Default::default()),
        Err(RuntimeError::ProcessNotFound)
    );
    let other_host = b.to_string().replace("test:procs", "test:other");
    assert_eq!(
        h.rt.send(Dest::Str(&other_host), "t", Default::default()),
        Err(RuntimeError::ProcessNotFound)
    );
}

#[test]
fn names_register_idempotently_and_unregister_once() {
    let h = Harness::new();
    let a = h.probe();
    let b = h.probe();
    assert_eq!(h.command(&a, "register", &["svc"]), Ok(String::new()));
    assert_eq!(
        h.command(&a, "register", &["svc"]),
        Ok(String::new()),
        "idempotent"
    );
    assert_eq!(h.rt.lookup("svc"), Ok(a.clone()));
    assert_eq!(
        h.command(&b, "register", &["svc"]),
        Err("name already registered to another process: svc".into())
    );
    assert!(h.rt.unregister("svc"));
    assert!(!h.rt.unregister("svc"), "second unregister returns false");
    assert_eq!(
        h.rt.lookup("svc"),
        Err(RuntimeError::NameNotRegistered("svc".into()))
    );
    assert_eq!(h.command(&b, "register", &["svc"]), Ok(String::new()));
    assert_eq!(h.rt.lookup("svc"), Ok(b));
}

#[test]
fn names_are_released_when_the_owner_exits() {
    let h = Harness::new();
    let a = h.probe();
    assert_eq!(h.command(&a, "register", &["temp"]), Ok(String::new()));
    assert_eq!(h.command(&a, "register", &["temp2"]), Ok(String::new()));
    assert_eq!(h.rt.registered_names(), 2);
    h.tell(&a, "fail", &["boom"]);
    h.wait_dead(&a);
    assert!(h.rt.lookup("temp").is_err());
    assert!(h.rt.lookup("temp2").is_err());
    assert_eq!(h.rt.registered_names(), 0);
    assert_eq!(
        h.rt.send(Dest::Str("temp"), "t", Default::default()),
        Err(RuntimeError::Unresolved("temp".into()))
    );
}

#[test]
fn spawn_errors_name_the_problem() {
    let h = Harness::new();
    let spawn = |entry: &str, host: &str| h.rt.spawn(wippy_runtime::SpawnSpec::new(entry, host));
    assert_eq!(
        spawn("test:nope", common::HOST),
        Err(RuntimeError::EntryNotFound("test:nope".into()))
    );
    assert_eq!(
        spawn("test:probe", "test:nohost"),
        Err(RuntimeError::HostNotFound("test:nohost".into()))
    );
    assert_eq!(
        spawn("test:procs", common::HOST),
        Err(RuntimeError::NotSpawnable {
            entry: "test:procs".into(),
            kind: "process.host".into()
        })
    );
}

#[test]
fn metrics_count_spawns_exits_errors_and_messages() {
    let h = Harness::new();
    let before = h.rt.metrics();
    let a = h.probe();
    h.rt.send(Dest::Pid(&a), "x", Default::default()).unwrap();
    let _ = h.next_from(&a);
    h.tell(&a, "fail", &["x"]);
    h.wait_dead(&a);
    let after = h.rt.metrics();
    assert_eq!(after.spawned - before.spawned, 1);
    assert_eq!(after.exited - before.exited, 1);
    assert_eq!(after.exited_with_error - before.exited_with_error, 1);
    assert!(after.messages - before.messages >= 2);
    assert_eq!(after.live, 0);
}

#[test]
fn a_panicking_body_ends_only_its_process_with_an_error() {
    let h = Harness::new();
    let watcher = h.probe();
    let victim = h.probe();
    let victim_text = victim.to_string();
    assert_eq!(
        h.command(&watcher, "monitor", &[&victim_text]),
        Ok(String::new())
    );
    h.rt.send(Dest::Pid(&victim), "panic", Default::default())
        .unwrap();
    let event = h.next_event(&watcher);
    let error = event
        .outcome
        .unwrap()
        .error()
        .cloned()
        .expect("an error exit");
    assert!(error.message().contains("probe told to panic"), "{error}");
    assert_eq!(
        h.command(&watcher, "register", &["still-here"]),
        Ok(String::new())
    );
}

#[test]
fn a_named_spawn_registers_before_the_child_runs_or_fails_without_running() {
    let h = Harness::new();
    let spawn = |name: &str| {
        h.rt.spawn(wippy_runtime::SpawnSpec::new("test:probe", common::HOST).named(name))
    };
    let first = spawn("solo").expect("a free name spawns");
    // Registered by the spawn call itself.
    assert_eq!(h.rt.lookup("solo"), Ok(first.clone()));
    let spawned_before = h.rt.metrics().spawned;
    assert_eq!(
        spawn("solo"),
        Err(RuntimeError::NameTaken("solo".into())),
        "a held name refuses the spawn"
    );
    assert_eq!(h.rt.metrics().spawned, spawned_before, "nothing ran");
    assert_eq!(
        h.rt.lookup("solo"),
        Ok(first.clone()),
        "the holder keeps it"
    );
    // The name goes with its holder, and the next named spawn takes it.
    h.tell(&first, "fail", &["boom"]);
    h.wait_dead(&first);
    let second = spawn("solo").expect("the released name spawns again");
    assert_eq!(h.rt.lookup("solo"), Ok(second));
}
