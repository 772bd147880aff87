//! `wippy run <command> [args]` runs the process entry whose `meta.command.name` is the
//! command; `wippy run list` lists the commands; an unknown command fails clearly.

use std::path::PathBuf;

mod common;

/// An application with a terminal host, one command (`greet`, which prints its
/// arguments and returns the count), and one process entry without a command.
fn app_dir(name: &str) -> PathBuf {
    common::app(
        &format!("cli-{name}"),
        REGISTRY,
        &[
            ("greet.lua", GREET),
            ("reader.lua", READER),
            ("bytes.lua", BYTES),
        ],
        Some(common::LOCK),
    )
}

const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - name: terminal
    kind: terminal.host
    lifecycle:
      auto_start: true
  - name: greeter
    kind: process.lua
    source: file://greet.lua
    method: main
    modules: [io]
    meta:
      command:
        name: greet
        short: Greets its arguments
  - name: plain
    kind: process.lua
    source: file://greet.lua
    method: main
    modules: [io]
  - name: reader
    kind: process.lua
    source: file://reader.lua
    method: main
    modules: [io]
  - name: bytes
    kind: process.lua
    source: file://bytes.lua
    method: main
    modules: [io]
  - name: greet_fn
    kind: function.lua
    source: file://greet.lua
    method: main
    modules: [io]
"#;

const GREET: &str = "local io = require(\"io\")\nlocal function main(...)\n  local n = select(\"#\", ...)\n  io.print(\"hello \" .. table.concat({...}, \" \"))\n  io.print(\"args \" .. table.concat(io.args(), \",\"))\n  return n\nend\nreturn { main = main }\n";

#[test]
fn a_command_runs_its_entry_with_the_arguments() {
    let dir = app_dir("run");
    let (stdout, stderr, code) = common::wippy(&dir, &["run", "greet", "big", "world"]);
    assert!(stdout.contains("hello big world"), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("args big,world"),
        "io.args() gives the command's arguments: {stdout}"
    );
    assert_eq!(
        code,
        Some(2),
        "the result (2 arguments) is the exit code: {stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

const READER: &str = "local io = require(\"io\")\nlocal function main()\n  local line, err = io.readline()\n  io.print(\"line \" .. tostring(line) .. \" err \" .. tostring(err) .. \" message \" .. err:message() .. \" kind [\" .. err:kind() .. \"] retryable \" .. tostring(err:retryable()))\n  return 0\nend\nreturn { main = main }\n";

#[test]
fn a_read_at_the_end_of_input_is_nil_and_an_error() {
    let dir = app_dir("eof");
    // `output()` gives the child no stdin: its first read meets the end of input.
    let (stdout, stderr, code) = common::wippy(&dir, &["run", "-x", "app:reader"]);
    assert!(
        // As the original wraps Go's `io.EOF`: message "EOF", no kind, retryable unset,
        // the call as its context.
        stdout.contains("line nil err readline: EOF message EOF kind [] retryable nil"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(code, Some(0), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_function_entry_runs_with_x_as_a_process_does() {
    let dir = app_dir("function");
    let (stdout, stderr, code) = common::wippy(&dir, &["run", "-x", "app:greet_fn", "a", "b", "c"]);
    assert!(stdout.contains("hello a b c"), "{stdout}\n{stderr}");
    assert_eq!(
        code,
        Some(3),
        "the function's result is the exit code: {stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn list_shows_the_commands_only() {
    let dir = app_dir("list");
    let (stdout, stderr, code) = common::wippy(&dir, &["run", "list"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("greet") && stdout.contains("Greets its arguments"),
        "{stdout}"
    );
    assert!(stdout.contains("app:greeter"), "{stdout}");
    assert!(!stdout.contains("app:plain"), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_unknown_command_fails_naming_it() {
    let dir = app_dir("unknown");
    let (_, stderr, code) = common::wippy(&dir, &["run", "nope"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("\"nope\" not found") && stderr.contains("wippy run list"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_command_declared_twice_fails_naming_both_entries() {
    let dir = app_dir("twice");
    let registry = dir.join("src/_index.yaml");
    let text = std::fs::read_to_string(&registry).expect("registry");
    // `plain` declares `greet` too.
    let text = text.replacen(
        "  - name: plain\n    kind: process.lua\n    source: file://greet.lua\n    method: main\n    modules: [io]\n",
        "  - name: plain\n    kind: process.lua\n    source: file://greet.lua\n    method: main\n    modules: [io]\n    meta:\n      command:\n        name: greet\n",
        1,
    );
    std::fs::write(&registry, text).expect("registry written");
    let (_, stderr, code) = common::wippy(&dir, &["run", "greet"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("\"greet\" is declared by several entries (app:greeter, app:plain)"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Prints the bytes of each argument and of each `io.args()` item, as numbers.
const BYTES: &str = "local io = require(\"io\")\nlocal function codes(s) return table.concat({string.byte(s, 1, -1)}, \" \") end\nlocal function main(a, b)\n  io.print(\"main \" .. codes(a) .. \" | \" .. codes(b))\n  local args = io.args()\n  io.print(\"args \" .. codes(args[1]) .. \" | \" .. codes(args[2]))\n  return 0\nend\nreturn { main = main }\n";

#[cfg(unix)]
#[test]
fn arguments_that_are_not_utf8_arrive_as_the_bytes_given() {
    use std::os::unix::ffi::OsStrExt;
    let dir = app_dir("bytes");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_wippy"))
        .args(["run", "-x", "app:bytes"])
        .arg(std::ffi::OsStr::from_bytes(b"a\xff"))
        .arg(std::ffi::OsStr::from_bytes(b"\xc3\xa9"))
        .current_dir(&dir)
        .output()
        .expect("wippy runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("main 97 255 | 195 169"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("args 97 255 | 195 169"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
