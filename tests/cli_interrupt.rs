//! Cancelling a process that waits in a terminal read: Ctrl+C ends the tutorial's client
//! through its own "Goodbye!" path (its `io.readline()` returns nil), and a read that a
//! cancel interrupted loses nothing typed afterwards.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout};

mod common;

/// Reads `out` until `marker` has appeared; returns everything read.
fn read_until(out: &mut ChildStdout, marker: &str) -> String {
    String::from_utf8_lossy(&common::read_until(out, marker)).into_owned()
}

fn finish(child: Child, mut stdout: ChildStdout, seen: String) -> (String, String, Option<i32>) {
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("output read");
    let output = child.wait_with_output().expect("wippy ends");
    (
        seen + &rest,
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code(),
    )
}

#[test]
fn ctrl_c_at_the_tutorial_prompt_ends_the_client_through_its_goodbye() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/echo-service");
    let mut child = common::spawn_wippy(&dir, &["run", "-x", "app:terminal/app:cli"]);
    common::kill_after(child.id(), 60);
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"one\n").expect("input written");
    // The reply to the first line, then the prompt of the second read: the client now
    // waits in io.readline() on an open stdin.
    let mut seen = read_until(&mut stdout, "ONE");
    seen += &read_until(&mut stdout, "> ");
    common::send_signal(child.id(), "INT");
    // stdin stays open until wippy ends: the read must end by the cancel, not at EOF.
    let (stdout, stderr, code) = finish(child, stdout, seen);
    drop(stdin);
    assert!(
        stdout.trim_end().ends_with("Goodbye!"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(code, Some(0), "the client returned 0: {stderr}");
}

/// An application whose `cli` entry has a helper process cancel it while it waits in a
/// read, and reads again.
fn cancel_app() -> PathBuf {
    common::app(
        "interrupt",
        REGISTRY,
        &[("cli.lua", CLI), ("canceller.lua", CANCELLER)],
        None,
    )
}

const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - name: terminal
    kind: terminal.host
    lifecycle: {auto_start: true}
  - name: processes
    kind: process.host
    lifecycle: {auto_start: true}
  - name: cli
    kind: process.lua
    source: file://cli.lua
    method: main
    modules: [io]
  - name: canceller
    kind: process.lua
    source: file://canceller.lua
    method: main
"#;

const CLI: &str = r#"local io = require("io")
local function main()
  local helper = process.spawn("app:canceller", "app:processes")
  -- The cancel comes back while this step still runs: this process sees it at its
  -- next step, when the read below already waits.
  process.send(helper, "cancel me", true)
  local line, err = io.readline()
  io.print("first: " .. tostring(line) .. " " .. (err and err:kind() or "no error"))
  local again = io.readline()
  io.print("second: " .. tostring(again))
  return 0
end
return { main = main }
"#;

const CANCELLER: &str = r#"local function main()
  local m = process.inbox():receive()
  process.cancel(m:from())
  return 0
end
return { main = main }
"#;

#[test]
fn a_cancel_ends_a_waiting_read_and_the_next_read_gets_what_was_typed() {
    let dir = cancel_app();
    let mut child = common::spawn_wippy(&dir, &["run", "-x", "app:cli"]);
    common::kill_after(child.id(), 60);
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stdin = child.stdin.take().expect("stdin");
    let seen = read_until(&mut stdout, "first: ");
    // The cancelled read's request is still with the stdin thread: this line reaches it
    // there, and must go to the second read.
    stdin
        .write_all(b"typed after the cancel\n")
        .expect("input written");
    drop(stdin);
    let (stdout, stderr, code) = finish(child, stdout, seen);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        stdout.contains("first: nil Canceled\n"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("second: typed after the cancel\n"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(code, Some(0), "{stderr}");
}

const CLI_CANCELLED_BEFORE_READING: &str = r#"local io = require("io")
local function main()
  local helper = process.spawn("app:canceller", "app:processes")
  process.send(helper, "cancel me, then say done", true)
  -- "done" comes after the CANCEL: by now the CANCEL is here, and no read waited.
  process.inbox():receive()
  local line, err = io.readline()
  io.print("first: " .. tostring(line) .. " " .. (err and err:kind() or "no error"))
  local again = io.readline()
  io.print("second: " .. tostring(again))
  return 0
end
return { main = main }
"#;

const CANCELLER_THEN_DONE: &str = r#"local function main()
  local m = process.inbox():receive()
  process.cancel(m:from())
  process.send(m:from(), "done", true)
  return 0
end
return { main = main }
"#;

/// A CANCEL that comes while no read waits (Ctrl+C before the tutorial's prompt, or
/// while its client waits for a reply) ends the next read at once, as it would have
/// ended it waiting; the read after that reads what is typed.
#[test]
fn a_cancel_before_a_read_ends_that_read_and_the_next_one_reads() {
    let dir = common::app(
        "interrupt-before",
        REGISTRY,
        &[
            ("cli.lua", CLI_CANCELLED_BEFORE_READING),
            ("canceller.lua", CANCELLER_THEN_DONE),
        ],
        None,
    );
    let mut child = common::spawn_wippy(&dir, &["run", "-x", "app:cli"]);
    common::kill_after(child.id(), 60);
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stdin = child.stdin.take().expect("stdin");
    // stdin stays open: the first read must end by the cancel, not at EOF.
    let seen = read_until(&mut stdout, "first: ");
    stdin.write_all(b"typed later\n").expect("input written");
    drop(stdin);
    let (stdout, stderr, code) = finish(child, stdout, seen);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        stdout.contains("first: nil Canceled\n"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("second: typed later\n"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(code, Some(0), "{stderr}");
}

const CLI_HANDLES_THE_CANCEL: &str = r#"local io = require("io")
local function main()
  local events = process.events()
  local helper = process.spawn("app:canceller", "app:processes")
  process.send(helper, "cancel me, then say done", true)
  local ev = events:receive()
  process.inbox():receive()
  local line, err = io.readline()
  io.print(ev.kind .. " then: " .. tostring(line) .. " " .. (err and err:kind() or "no error"))
  return 0
end
return { main = main }
"#;

/// A process that takes the CANCEL from `events()` handles it itself: its reads read.
#[test]
fn a_cancel_received_from_the_events_leaves_reads_alone() {
    let dir = common::app(
        "interrupt-handled",
        REGISTRY,
        &[
            ("cli.lua", CLI_HANDLES_THE_CANCEL),
            ("canceller.lua", CANCELLER_THEN_DONE),
        ],
        None,
    );
    let mut child = common::spawn_wippy(&dir, &["run", "-x", "app:cli"]);
    common::kill_after(child.id(), 60);
    let stdout = child.stdout.take().expect("stdout");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"typed\n").expect("input written");
    drop(stdin);
    let (stdout, stderr, code) = finish(child, stdout, String::new());
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        stdout.contains("pid.cancel then: typed no error\n"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(code, Some(0), "{stderr}");
}
