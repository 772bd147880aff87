//! Monitors, links (cascades along chains and stars), trap_links, terminate and cancel,
//! and the priority of events over messages.

mod common;

use common::{Harness, Seen};
use std::time::Duration;
use wippy_runtime::Dest;
use wippy_runtime::message::{Envelope, EventKind, Outcome};
use wippy_runtime::payload::Payload;
use wippy_runtime::pid::Pid;

fn spawn_child(h: &Harness, parent: &Pid, how: &str, entry: &str, arg: &str) -> Pid {
    let pid = h.command(parent, how, &[entry, arg]).expect("child spawns");
    pid.parse().expect("spawn replies with a pid")
}

#[test]
fn monitor_gets_exit_with_the_result_value() {
    let h = Harness::new();
    let parent = h.probe();
    let child = spawn_child(&h, &parent, "spawn_monitored", "test:exit", "forty-two");
    let event = h.next_event(&parent);
    assert_eq!(event.kind, EventKind::Exit);
    assert_eq!(event.from, Some(child));
    assert_eq!(
        event.outcome,
        Some(Outcome::Normal(Payload::from("forty-two")))
    );
}

#[test]
fn monitor_gets_exit_with_the_error() {
    let h = Harness::new();
    let parent = h.probe();
    let child = spawn_child(&h, &parent, "spawn_monitored", "test:fail", "broken");
    let event = h.next_event(&parent);
    assert_eq!(event.kind, EventKind::Exit);
    assert_eq!(event.from, Some(child.clone()));
    let error = event.outcome.unwrap().error().cloned().unwrap();
    assert_eq!(error.message(), "broken");
    // Sending to the dead child fails with "process not found".
    let text = child.to_string();
    assert_eq!(
        h.command(&parent, "send", &[&text, "t", "x"]),
        Err("process not found".into())
    );
}

#[test]
fn explicit_monitor_and_unmonitor() {
    let h = Harness::new();
    let watcher = h.probe();
    let a = h.probe();
    let b = h.probe();
    let (a_text, b_text) = (a.to_string(), b.to_string());
    assert_eq!(
        h.command(&watcher, "monitor", &[&a_text]),
        Ok(String::new())
    );
    assert_eq!(
        h.command(&watcher, "monitor", &[&b_text]),
        Ok(String::new())
    );
    assert_eq!(
        h.command(&watcher, "unmonitor", &[&b_text]),
        Ok(String::new())
    );
    h.tell(&b, "exit", &["b"]);
    h.tell(&a, "exit", &["a"]);
    let event = h.next_event(&watcher);
    assert_eq!(
        event.from,
        Some(a),
        "only the still-monitored process reports"
    );
    assert!(h.quiet_for(Duration::from_millis(100)).is_none());
    // Monitoring a dead process fails.
    assert_eq!(
        h.command(&watcher, "monitor", &[&b_text]),
        Err("process not found".into())
    );
}

#[test]
fn normal_exit_sends_no_link_down() {
    let h = Harness::new();
    let parent = h.probe();
    assert_eq!(h.command(&parent, "trap", &["true"]), Ok(String::new()));
    let child = spawn_child(&h, &parent, "spawn_linked", "test:exit", "fine");
    let _ = child;
    assert!(
        h.quiet_for(Duration::from_millis(150)).is_none(),
        "no LINK_DOWN after a normal exit"
    );
    assert_eq!(
        h.command(&parent, "register", &["alive"]),
        Ok(String::new())
    );
}

#[test]
fn error_exit_with_trap_links_arrives_as_link_down_event() {
    let h = Harness::new();
    let parent = h.probe();
    assert_eq!(h.command(&parent, "trap", &["true"]), Ok(String::new()));
    let child = spawn_child(&h, &parent, "spawn_linked", "test:fail", "linked failure");
    let event = h.next_event(&parent);
    assert_eq!(event.kind, EventKind::LinkDown);
    assert_eq!(event.from, Some(child));
    assert_eq!(
        event.outcome.unwrap().error().unwrap().message(),
        "linked failure"
    );
    assert!(h.rt.is_alive(&parent));
}

#[test]
fn error_exit_without_trap_links_takes_the_linked_process_down() {
    let h = Harness::new();
    let watcher = h.probe();
    let parent = h.probe();
    let parent_text = parent.to_string();
    assert_eq!(
        h.command(&watcher, "monitor", &[&parent_text]),
        Ok(String::new())
    );
    let _child = spawn_child(&h, &parent, "spawn_linked", "test:fail", "x");
    let event = h.next_event(&watcher);
    assert_eq!(event.from, Some(parent));
    let error = event.outcome.unwrap().error().cloned().unwrap();
    assert_eq!(error.message(), "linked process failed");
}

/// A chain a - b - c - d - e of linked probes; when e fails, all die, in a cascade.
#[test]
fn cascade_along_a_chain() {
    let h = Harness::new();
    let watcher = h.probe();
    let chain: Vec<Pid> = (0..5).map(|_| h.probe()).collect();
    for pair in chain.windows(2) {
        let next = pair[1].to_string();
        assert_eq!(h.command(&pair[0], "link", &[&next]), Ok(String::new()));
    }
    for pid in &chain {
        let text = pid.to_string();
        assert_eq!(h.command(&watcher, "monitor", &[&text]), Ok(String::new()));
    }
    h.tell(&chain[4], "fail", &["tail failed"]);
    let mut dead = Vec::new();
    while dead.len() < 5 {
        let event = h.next_event(&watcher);
        assert_eq!(event.kind, EventKind::Exit);
        assert!(event.outcome.unwrap().is_error());
        dead.push(event.from.unwrap());
    }
    let expected: Vec<Pid> = chain.iter().rev().cloned().collect();
    assert_eq!(dead, expected, "the failure travels link by link");
}

/// A star: a hub linked to ten leaves. One leaf fails: the hub dies, then every leaf.
#[test]
fn cascade_through_a_star() {
    let h = Harness::new();
    let watcher = h.probe();
    let hub = h.probe();
    let leaves: Vec<Pid> = (0..10)
        .map(|_| spawn_child(&h, &hub, "spawn_linked", "test:probe", ""))
        .collect();
    for pid in leaves.iter().chain(std::iter::once(&hub)) {
        let text = pid.to_string();
        assert_eq!(h.command(&watcher, "monitor", &[&text]), Ok(String::new()));
    }
    h.tell(&leaves[3], "fail", &["leaf failed"]);
    let mut dead = std::collections::HashSet::new();
    while dead.len() < 11 {
        let event = h.next_event(&watcher);
        assert!(event.outcome.unwrap().is_error());
        dead.insert(event.from.unwrap());
    }
    assert!(dead.contains(&hub));
    assert!(h.rt.is_alive(&watcher));
    assert_eq!(h.rt.live_processes(), 1);
}

#[test]
fn unlink_stops_the_cascade() {
    let h = Harness::new();
    let a = h.probe();
    let b = h.probe();
    let b_text = b.to_string();
    assert_eq!(h.command(&a, "link", &[&b_text]), Ok(String::new()));
    assert_eq!(h.command(&a, "unlink", &[&b_text]), Ok(String::new()));
    h.tell(&b, "fail", &["x"]);
    h.wait_dead(&b);
    assert_eq!(h.command(&a, "register", &["a-lives"]), Ok(String::new()));
}

#[test]
fn terminate_ends_with_an_error_and_links_get_link_down() {
    let h = Harness::new();
    let parent = h.probe();
    assert_eq!(h.command(&parent, "trap", &["true"]), Ok(String::new()));
    let child = spawn_child(&h, &parent, "spawn_linked", "test:stubborn", "");
    let child_text = child.to_string();
    assert_eq!(
        h.command(&parent, "monitor", &[&child_text]),
        Ok(String::new())
    );
    assert_eq!(
        h.command(&parent, "terminate", &[&child_text]),
        Ok(String::new())
    );
    let mut kinds = Vec::new();
    for _ in 0..2 {
        let event = h.next_event(&parent);
        assert_eq!(event.from, Some(child.clone()));
        assert_eq!(
            event.outcome.unwrap().error().unwrap().message(),
            "process terminated"
        );
        kinds.push(event.kind);
    }
    kinds.sort_by_key(|k| k.topic());
    assert_eq!(kinds, [EventKind::Exit, EventKind::LinkDown]);
    assert_eq!(
        h.command(&parent, "terminate", &[&child_text]),
        Err("process not found".into())
    );
}

#[test]
fn cancel_is_an_event_with_reason_and_sender() {
    let h = Harness::new();
    let a = h.probe();
    let b = h.probe();
    let b_text = b.to_string();
    assert_eq!(
        h.command(&a, "cancel", &[&b_text, "please stop"]),
        Ok(String::new())
    );
    let event = h.next_event(&b);
    assert_eq!(event.kind, EventKind::Cancel);
    assert_eq!(event.from, Some(a));
    assert_eq!(event.reason.as_deref(), Some("please stop"));
    assert!(h.rt.is_alive(&b), "CANCEL is only a message");
}

/// A process that is busy while messages and then an event arrive sees the event first.
#[test]
fn events_are_handled_before_waiting_messages() {
    let h = common::Harness::new();
    let watcher = h.probe();
    let gate = std::sync::Arc::new(std::sync::Barrier::new(2));
    let seen = std::sync::Arc::new(parking_lot::Mutex::new(Vec::<String>::new()));
    let (g, s) = (gate.clone(), seen.clone());
    let mut first = true;
    let slow =
        h.rt.spawn_body(
            common::HOST,
            move |cx: &mut wippy_runtime::process::ProcessContext<'_, '_>| {
                if first {
                    first = false;
                    g.wait(); // the test queues messages and an event meanwhile
                    g.wait();
                }
                loop {
                    if let Some(event) = cx.recv_event() {
                        s.lock().push(event.kind.to_string());
                    } else if let Some(message) = cx.recv_message() {
                        s.lock().push(message.topic.to_string());
                    } else {
                        return wippy_runtime::process::Flow::Wait;
                    }
                }
            },
            None,
        )
        .unwrap();
    gate.wait();
    h.rt.send(Dest::Pid(&slow), "m1", Default::default())
        .unwrap();
    h.rt.send(Dest::Pid(&slow), "m2", Default::default())
        .unwrap();
    h.rt.cancel(Dest::Pid(&slow), "stop").unwrap();
    gate.wait();
    let deadline = std::time::Instant::now() + common::WAIT;
    while seen.lock().len() < 3 {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(*seen.lock(), ["pid.cancel", "m1", "m2"]);
    let _ = watcher;
}

#[test]
fn recv_mail_hands_a_cancel_over_between_the_messages_it_came_between() {
    let h = common::Harness::new();
    let gate = std::sync::Arc::new(std::sync::Barrier::new(2));
    let seen = std::sync::Arc::new(parking_lot::Mutex::new(Vec::<String>::new()));
    let (g, s) = (gate.clone(), seen.clone());
    let mut first = true;
    let slow =
        h.rt.spawn_body(
            common::HOST,
            move |cx: &mut wippy_runtime::process::ProcessContext<'_, '_>| {
                if first {
                    first = false;
                    g.wait(); // the test queues messages and a cancel meanwhile
                    g.wait();
                }
                // Nothing travels as a signal here: the CANCEL comes in line.
                if let Some(event) = cx.recv_signaled_event() {
                    s.lock().push(format!("signal {}", event.kind));
                }
                while let Some(mail) = cx.recv_mail() {
                    s.lock().push(match mail {
                        Envelope::Message(message) => message.topic.to_string(),
                        Envelope::Event(event) => event.kind.to_string(),
                    });
                }
                wippy_runtime::process::Flow::Wait
            },
            None,
        )
        .unwrap();
    gate.wait();
    h.rt.send(Dest::Pid(&slow), "m1", Default::default())
        .unwrap();
    h.rt.cancel(Dest::Pid(&slow), "stop").unwrap();
    h.rt.send(Dest::Pid(&slow), "m2", Default::default())
        .unwrap();
    gate.wait();
    let deadline = std::time::Instant::now() + common::WAIT;
    while seen.lock().len() < 3 {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(*seen.lock(), ["m1", "pid.cancel", "m2"]);
}

#[test]
fn shutdown_cancels_processes_and_they_can_drain_accepted_messages() {
    let h = Harness::new();
    let received = std::sync::Arc::new(parking_lot::Mutex::new(Vec::<i64>::new()));
    let r = received.clone();
    let pid =
        h.rt.spawn_body(
            common::HOST,
            move |cx: &mut wippy_runtime::process::ProcessContext<'_, '_>| {
                let mut cancelled = false;
                while let Some(event) = cx.recv_event() {
                    if event.kind == EventKind::Cancel {
                        // The original's reason, from nobody in particular.
                        assert_eq!(event.reason.as_deref(), Some("scheduler shutdown"));
                        assert_eq!(event.from, None);
                        cancelled = true;
                    }
                }
                if !cancelled {
                    return wippy_runtime::process::Flow::Wait;
                }
                while let Some(message) = cx.recv_message() {
                    r.lock().push(message.payloads[0].as_int().unwrap_or(-1));
                }
                wippy_runtime::process::Flow::Done(Payload::Nil)
            },
            None,
        )
        .unwrap();
    for i in 0..1000 {
        h.rt.send(
            Dest::Pid(&pid),
            "n",
            std::iter::once(Payload::Int(i)).collect(),
        )
        .unwrap();
    }
    h.rt.shutdown(Duration::from_secs(5));
    assert_eq!(*received.lock(), (0..1000).collect::<Vec<_>>());
    assert!(h.next_from_opt().is_none());
}

trait NextOpt {
    fn next_from_opt(&self) -> Option<Seen>;
}

impl NextOpt for Harness {
    fn next_from_opt(&self) -> Option<Seen> {
        self.quiet_for(Duration::from_millis(10)).map(|(_, s)| s)
    }
}
