//! Test harness: a runtime over a YAML registry, with Rust process kinds that report
//! what they see to the test thread and act on commands sent as messages.
#![allow(dead_code, unreachable_pub)]

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
    /// Reports taken while waiting for another process's, in arrival order: a probe may
    /// report before the one a test waits on (say, the target of a `cancel` command
    /// before the reply of the probe that sent it), and such a report is kept for later.
    held: std::cell::RefCell<std::collections::VecDeque<(Pid, Seen)>>,
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
        Harness {
            rt,
            seen,
            held: std::cell::RefCell::default(),
        }
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

    /// The next report, from anyone (a held one first).
    pub fn next(&self) -> (Pid, Seen) {
        if let Some(report) = self.held.borrow_mut().pop_front() {
            return report;
        }
        self.seen
            .recv_timeout(WAIT)
            .expect("a report within the wait")
    }

    /// The next report from `pid`; reports from others that come first are held for
    /// later (`next`, `next_from`, `quiet_for`).
    pub fn next_from(&self, pid: &Pid) -> Seen {
        let held = {
            let mut held = self.held.borrow_mut();
            held.iter()
                .position(|(from, _)| from == pid)
                .and_then(|i| held.remove(i))
        };
        if let Some((_, seen)) = held {
            return seen;
        }
        loop {
            let (from, seen) = self
                .seen
                .recv_timeout(WAIT)
                .expect("a report within the wait");
            if from == *pid {
                return seen;
            }
            self.held.borrow_mut().push_back((from, seen));
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
        if let Some(report) = self.held.borrow_mut().pop_front() {
            return Some(report);
        }
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

// ---------------------------------------------------------------------------------------
// Scripted processes, for supervision tests: registered on demand (between
// `Harness::unstarted` and `rt.start()`, or through `scripted`), writing to a journal.

/// One thing a `rust.script` process did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Note {
    /// The process entry, `ns:name`.
    pub(crate) entry: String,
    /// Which start of that entry (0 for the first).
    pub(crate) instance: usize,
    /// `start`, `fail`, `exit`, `cancel: <reason>`.
    pub(crate) what: String,
    /// The spawn arguments (the service's `input`), on `start`; empty otherwise.
    pub(crate) args: Payloads,
}

/// What the `rust.script` processes of one runtime did, in order.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    notes: parking_lot::Mutex<Vec<Note>>,
    changed: parking_lot::Condvar,
    starts: parking_lot::Mutex<std::collections::HashMap<String, usize>>,
}

impl Journal {
    /// Everything noted so far.
    pub(crate) fn notes(&self) -> Vec<Note> {
        self.notes.lock().clone()
    }

    /// The notes of `entry`, as `(instance, what)`.
    pub(crate) fn of(&self, entry: &str) -> Vec<(usize, String)> {
        self.notes
            .lock()
            .iter()
            .filter(|n| n.entry == entry)
            .map(|n| (n.instance, n.what.clone()))
            .collect()
    }

    /// Waits until `done` holds for the notes (panics after `WAIT`).
    pub(crate) fn wait_for(&self, mut done: impl FnMut(&[Note]) -> bool) -> Vec<Note> {
        let deadline = std::time::Instant::now() + WAIT;
        let mut notes = self.notes.lock();
        while !done(&notes) {
            if self.changed.wait_until(&mut notes, deadline).timed_out() && !done(&notes) {
                panic!("journal condition not met within {WAIT:?}; notes: {notes:#?}");
            }
        }
        notes.clone()
    }

    fn note(&self, entry: &str, instance: usize, what: impl Into<String>, args: Payloads) {
        self.notes.lock().push(Note {
            entry: entry.to_owned(),
            instance,
            what: what.into(),
            args,
        });
        self.changed.notify_all();
    }

    fn next_instance(&self, entry: &str) -> usize {
        let mut starts = self.starts.lock();
        let count = starts.entry(entry.to_owned()).or_insert(0);
        *count += 1;
        *count - 1
    }
}

/// One step of a script: what start number `i` of a `rust.script` entry does.
#[derive(Debug, Clone, Copy)]
enum Act {
    /// Fails at once with "scripted failure #i" (retryable not set).
    Fail,
    /// Runs this long, then fails as `Fail` does (CANCEL before that: exits normally).
    FailAfter(Duration),
    /// Fails at once with a non-retryable error.
    FailFinal,
    /// Exits normally at once.
    Exit,
    /// Runs until CANCEL, then exits normally.
    Run,
    /// Runs, ignoring CANCEL: only terminate ends it.
    Ignore,
}

impl Act {
    fn parse(text: &str) -> Option<Act> {
        let mut words = text.split_whitespace();
        let act = match words.next()? {
            "fail" => Act::Fail,
            "fail_after" => Act::FailAfter(Duration::from_millis(words.next()?.parse().ok()?)),
            "fail_final" => Act::FailFinal,
            "exit" => Act::Exit,
            "run" => Act::Run,
            "ignore" => Act::Ignore,
            _ => return None,
        };
        words.next().is_none().then_some(act)
    }
}

/// Registers the kind `rust.script` on `rt` and returns the journal its processes note
/// in. A `rust.script` entry has a `script:` list of steps; start number `i` of the
/// entry does `script[i]`, and the last step repeats:
/// `fail`, `fail_after <ms>`, `fail_final`, `exit`, `run`, `ignore` (see `Act`).
/// A step written `hold <step>` first waits for a message with topic `go` (CANCEL
/// meanwhile ends it normally). Every start notes `start` with its arguments; CANCEL is
/// noted as `cancel: <reason>`.
pub(crate) fn register_script(rt: &Runtime) -> Arc<Journal> {
    let journal = Arc::new(Journal::default());
    register_script_kind(rt, "rust.script", false, &journal);
    register_script_kind(rt, "rust.boot_script", true, &journal);
    journal
}

/// Registers `kind` as a scripted kind noting in `journal`; with `boots_itself`, its
/// processes say when they have booted (noted `booted`): when they act, unless the act
/// is a failure (they fail before booting), so `hold <step>` boots only after `go`.
fn register_script_kind(rt: &Runtime, kind: &str, boots_itself: bool, journal: &Arc<Journal>) {
    let j = journal.clone();
    rt.register_kind(
        kind,
        Arc::new(
            move |_rt: &Runtime, entry: &wippy_runtime::registry::Entry, args: Payloads| {
                let bad = |why: &str| {
                    ErrorValue::new(
                        ErrorKind::Invalid,
                        format!("rust.script {}: {why}", entry.id()),
                    )
                };
                let steps = entry
                    .field("script")
                    .and_then(Payload::as_array)
                    .ok_or_else(|| bad("needs a `script:` list"))?;
                let id = entry.id().to_string();
                let instance = j.next_instance(&id);
                let text = steps
                    .get(instance.min(steps.len().saturating_sub(1)))
                    .and_then(Payload::as_str)
                    .ok_or_else(|| bad("empty script or a step that is not a string"))?;
                let (hold, step) = match text.strip_prefix("hold ") {
                    Some(step) => (true, step),
                    None => (false, text),
                };
                let act = Act::parse(step).ok_or_else(|| bad(&format!("unknown step {text:?}")))?;
                Ok(Box::new(Scripted {
                    journal: j.clone(),
                    entry: id,
                    instance,
                    act,
                    hold,
                    boots_itself,
                    acted: false,
                    args: Some(args),
                    timer: None,
                }) as Box<dyn ProcessBody>)
            },
        ),
    );
}

/// A harness over `yaml` with `rust.script` registered, started.
pub(crate) fn scripted(yaml: &str) -> (Harness, Arc<Journal>) {
    let harness = Harness::unstarted(yaml);
    let journal = register_script(&harness.rt);
    harness.rt.start().expect("entries start");
    (harness, journal)
}

struct Scripted {
    journal: Arc<Journal>,
    entry: String,
    instance: usize,
    act: Act,
    /// Waiting for a `go` message before acting.
    hold: bool,
    /// Says when it has booted (`rust.boot_script`).
    boots_itself: bool,
    acted: bool,
    /// Taken by the first step, which notes them.
    args: Option<Payloads>,
    timer: Option<wippy_scheduler::Timer>,
}

impl Scripted {
    fn note(&self, what: impl Into<String>) {
        self.journal
            .note(&self.entry, self.instance, what, Payloads::new());
    }

    fn failure(&self) -> ErrorValue {
        ErrorValue::new(
            ErrorKind::Internal,
            format!("scripted failure #{}", self.instance),
        )
    }
}

impl ProcessBody for Scripted {
    fn boots_itself(&self) -> bool {
        self.boots_itself
    }

    fn step(&mut self, cx: &mut ProcessContext<'_, '_>) -> Flow {
        if let Some(args) = self.args.take() {
            self.journal.note(&self.entry, self.instance, "start", args);
        }
        if self.hold {
            while let Some(message) = cx.recv_message() {
                self.hold &= &*message.topic != "go";
            }
        }
        if !self.hold && !self.acted {
            self.acted = true;
            if self.boots_itself && !matches!(self.act, Act::Fail | Act::FailFinal) {
                self.note("booted");
                cx.booted();
            }
            match self.act {
                Act::Fail => {
                    self.note("fail");
                    return Flow::Fail(self.failure());
                }
                Act::FailFinal => {
                    self.note("fail");
                    return Flow::Fail(self.failure().with_retryable(false));
                }
                Act::Exit => {
                    self.note("exit");
                    return Flow::Done(Payload::from("done"));
                }
                Act::FailAfter(after) => self.timer = Some(cx.timer(after)),
                Act::Run | Act::Ignore => {}
            }
        }
        while let Some(event) = cx.recv_event() {
            if event.kind == EventKind::Cancel {
                let reason = event.reason.as_deref().unwrap_or("").to_owned();
                self.note(format!("cancel: {reason}"));
                if !matches!(self.act, Act::Ignore) || !self.acted {
                    self.note("exit");
                    return Flow::Done(Payload::Nil);
                }
            }
        }
        while cx.recv_message().is_some() {}
        if self
            .timer
            .as_ref()
            .is_some_and(wippy_scheduler::Timer::fired)
        {
            self.note("fail");
            return Flow::Fail(self.failure());
        }
        Flow::Wait
    }
}
