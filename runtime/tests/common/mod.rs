//! Test harness: a runtime over a YAML registry, with Rust process kinds that report
//! what they see to the test thread and act on commands sent as messages.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;
use wippy_runtime::message::{Event, EventKind, Payloads};
use wippy_runtime::payload::{ErrorKind, ErrorValue, Payload};
use wippy_runtime::pid::Pid;
use wippy_runtime::process::{Flow, ProcessBody, ProcessContext};
use wippy_runtime::registry::{Registry, parse_file};
use wippy_runtime::{Dest, Runtime, SpawnSpec};

pub const HOST: &str = "test:procs";
pub const WAIT: Duration = Duration::from_secs(10);

/// What a probe reports.
#[derive(Debug, Clone)]
pub enum Seen {
    Message {
        topic: String,
        from: Option<Pid>,
        payloads: Payloads,
    },
    Event(Event),
    Reply {
        command: String,
        result: Result<String, String>,
    },
}

pub struct Harness {
    pub rt: Runtime,
    pub seen: Receiver<(Pid, Seen)>,
}

pub const BASE: &str = r#"
version: "1.0"
namespace: test
entries:
  - name: procs
    kind: process.host
    host: {workers: 2}
    lifecycle: {auto_start: true}
  - name: probe
    kind: rust.probe
  - name: fail
    kind: rust.fail
  - name: exit
    kind: rust.exit
  - name: stubborn
    kind: rust.stubborn
"#;

pub fn registry(yaml: &str) -> Registry {
    let entries = parse_file(Path::new("test/_index.yaml"), yaml).expect("test yaml parses");
    Registry::from_entries(entries).expect("test registry is valid")
}

impl Harness {
    pub fn new() -> Harness {
        Harness::with_yaml(BASE)
    }

    /// A runtime over `yaml` with the Rust kinds registered, started.
    pub fn with_yaml(yaml: &str) -> Harness {
        let harness = Harness::unstarted(yaml);
        harness.rt.start().expect("entries start");
        harness
    }

    pub fn unstarted(yaml: &str) -> Harness {
        let rt = Runtime::new(registry(yaml));
        let (tx, seen) = channel();
        register_kinds(&rt, tx);
        Harness { rt, seen }
    }

    /// Spawns a probe outside any process.
    pub fn probe(&self) -> Pid {
        self.rt
            .spawn(SpawnSpec::new("test:probe", HOST))
            .expect("probe spawns")
    }

    /// Sends a command to a probe and returns its reply.
    pub fn command(&self, probe: &Pid, command: &str, args: &[&str]) -> Result<String, String> {
        let payloads = args.iter().map(|a| Payload::from(*a)).collect();
        self.rt
            .send(Dest::Pid(probe), command, payloads)
            .expect("command delivered");
        loop {
            match self.next_from(probe) {
                Seen::Reply { command: c, result } if c == command => return result,
                _ => {}
            }
        }
    }

    /// Sends a command that gets no reply (`fail`, `exit`, `panic`).
    pub fn tell(&self, probe: &Pid, command: &str, args: &[&str]) {
        let payloads = args.iter().map(|a| Payload::from(*a)).collect();
        self.rt
            .send(Dest::Pid(probe), command, payloads)
            .expect("command delivered");
    }

    /// The next report, from anyone.
    pub fn next(&self) -> (Pid, Seen) {
        self.seen
            .recv_timeout(WAIT)
            .expect("a report within the wait")
    }

    /// The next report from `pid` (reports from others are dropped).
    pub fn next_from(&self, pid: &Pid) -> Seen {
        loop {
            let (from, seen) = self.next();
            if from == *pid {
                return seen;
            }
        }
    }

    /// The next event `pid` sees (messages and replies in between are dropped).
    pub fn next_event(&self, pid: &Pid) -> Event {
        loop {
            if let Seen::Event(event) = self.next_from(pid) {
                return event;
            }
        }
    }

    /// `true` if nothing is reported for `wait`.
    pub fn quiet_for(&self, wait: Duration) -> Option<(Pid, Seen)> {
        self.seen.recv_timeout(wait).ok()
    }

    pub fn wait_dead(&self, pid: &Pid) {
        let deadline = std::time::Instant::now() + WAIT;
        while self.rt.is_alive(pid) {
            assert!(std::time::Instant::now() < deadline, "{pid} still alive");
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.rt.shutdown(Duration::from_millis(200));
    }
}

fn register_kinds(rt: &Runtime, tx: Sender<(Pid, Seen)>) {
    rt.register_kind(
        "rust.probe",
        Arc::new(move |_rt: &Runtime, _entry: &_, _args: Payloads| {
            Ok(Box::new(Probe { tx: tx.clone() }) as Box<dyn ProcessBody>)
        }),
    );
    rt.register_kind(
        "rust.fail",
        Arc::new(|_rt: &Runtime, _entry: &_, args: Payloads| {
            let message = args
                .first()
                .and_then(Payload::as_str)
                .unwrap_or("failed on purpose")
                .to_owned();
            Ok(Box::new(move |_cx: &mut ProcessContext<'_, '_>| {
                Flow::Fail(ErrorValue::new(ErrorKind::Internal, message.clone()))
            }) as Box<dyn ProcessBody>)
        }),
    );
    rt.register_kind(
        "rust.exit",
        Arc::new(|_rt: &Runtime, _entry: &_, args: Payloads| {
            let value = args.first().cloned().unwrap_or_default();
            Ok(
                Box::new(move |_cx: &mut ProcessContext<'_, '_>| Flow::Done(value.clone()))
                    as Box<dyn ProcessBody>,
            )
        }),
    );
    // Ignores CANCEL and everything else: only terminate ends it.
    rt.register_kind(
        "rust.stubborn",
        Arc::new(|_rt: &Runtime, _entry: &_, _args: Payloads| {
            Ok(Box::new(|cx: &mut ProcessContext<'_, '_>| {
                while cx.recv_event().is_some() {}
                while cx.recv_message().is_some() {}
                Flow::Wait
            }) as Box<dyn ProcessBody>)
        }),
    );
}

/// Reports everything it sees; acts on command topics.
struct Probe {
    tx: Sender<(Pid, Seen)>,
}

impl ProcessBody for Probe {
    fn step(&mut self, cx: &mut ProcessContext<'_, '_>) -> Flow {
        loop {
            if let Some(event) = cx.recv_event() {
                let _ = self.tx.send((cx.pid().clone(), Seen::Event(event)));
                continue;
            }
            let Some(message) = cx.recv_message() else {
                return Flow::Wait;
            };
            let arg = |i: usize| {
                message
                    .payloads
                    .get(i)
                    .and_then(Payload::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            let text = |r: Result<(), wippy_runtime::RuntimeError>| {
                r.map(|()| String::new()).map_err(|e| e.to_string())
            };
            let result = match &*message.topic {
                "link" => text(cx.link(Dest::Str(&arg(0)))),
                "unlink" => text(cx.unlink(Dest::Str(&arg(0)))),
                "monitor" => text(cx.monitor(Dest::Str(&arg(0)))),
                "unmonitor" => text(cx.unmonitor(Dest::Str(&arg(0)))),
                "register" => text(cx.register(&arg(0))),
                "trap" => {
                    cx.set_trap_links(arg(0) == "true");
                    Ok(String::new())
                }
                "terminate" => text(cx.terminate(Dest::Str(&arg(0)))),
                "cancel" => text(cx.cancel(Dest::Str(&arg(0)), &arg(1))),
                "send" => text(cx.send(
                    Dest::Str(&arg(0)),
                    arg(1),
                    std::iter::once(Payload::from(arg(2))).collect(),
                )),
                "spawn" | "spawn_linked" | "spawn_monitored" => {
                    let mut spec = SpawnSpec::new(arg(0), HOST);
                    if let Some(a) = message.payloads.get(1) {
                        spec = spec.arg(a.clone());
                    }
                    if message.topic.as_ref() == "spawn_linked" {
                        spec = spec.linked();
                    }
                    if message.topic.as_ref() == "spawn_monitored" {
                        spec = spec.monitored();
                    }
                    cx.spawn(spec)
                        .map(|p| p.to_string())
                        .map_err(|e| e.to_string())
                }
                "fail" => return Flow::Fail(ErrorValue::new(ErrorKind::Internal, arg(0))),
                "exit" => return Flow::Done(Payload::from(arg(0))),
                "panic" => panic!("probe told to panic"),
                _ => {
                    let _ = self.tx.send((
                        cx.pid().clone(),
                        Seen::Message {
                            topic: message.topic.to_string(),
                            from: message.from.clone(),
                            payloads: message.payloads.clone(),
                        },
                    ));
                    continue;
                }
            };
            let _ = self.tx.send((
                cx.pid().clone(),
                Seen::Reply {
                    command: message.topic.to_string(),
                    result,
                },
            ));
        }
    }
}

pub fn kind_of(event: &Event) -> EventKind {
    event.kind
}
