//! The `io` module's conventions on a terminal host, as the original's `io` module has
//! them: `io.print` and `io.eprint` ignore a failed write and return `true`; `io.write`
//! reports one as `nil, err` (kind INTERNAL, context "write stdout"); `io.read` with a
//! size of 0 or less reads up to 1024 bytes, and a fraction is dropped; a process on
//! another host gets "no terminal context"; a terminal process that returns an empty
//! string prints nothing.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - {name: terminal, kind: terminal.host, lifecycle: {auto_start: true}}
  - {name: processes, kind: process.host, lifecycle: {auto_start: true}}
  - name: full
    kind: process.lua
    source: file://full.lua
    method: main
    modules: [io]
  - name: reads
    kind: process.lua
    source: file://reads.lua
    method: main
    modules: [io]
  - name: elsewhere
    kind: process.lua
    source: file://elsewhere.lua
    method: main
    modules: [io, time]
  - name: io_off_terminal
    kind: process.lua
    source: file://io_off_terminal.lua
    method: main
    modules: [io]
  - name: empty
    kind: process.lua
    source: "return {main = function() return '' end}"
    method: main
"#;

/// Writes to stdout and stderr (both /dev/full here) and reports on stderr... which is
/// /dev/full too, so it reports through its exit code: 0 when every result is right.
const FULL: &str = r#"local io = require("io")
local function main()
  if io.print("p") ~= true then return 11 end
  if io.eprint("e") ~= true then return 12 end
  local ok, err = io.write("w")
  if ok ~= nil or err == nil then return 13 end
  if err:kind() ~= errors.INTERNAL then return 14 end
  if not tostring(err):find("^write stdout: ") then return 15 end
  return 0
end
return { main = main }
"#;

const READS: &str = r#"local io = require("io")
local function main()
  local b = io.read(2.9)
  local a = io.read(0)
  local c, err = io.read(-5)
  local raised = not pcall(io.read, "x")
  io.print(b, a, tostring(c), tostring(err), tostring(raised))
  return 0
end
return { main = main }
"#;

/// Spawns `io_off_terminal` on the process host and returns what it returned.
const ELSEWHERE: &str = r#"local function main()
  return process.exec("app:io_off_terminal", "app:processes")
end
return { main = main }
"#;

const IO_OFF_TERMINAL: &str = r#"local io = require("io")
local function main()
  local ok, err = io.print("x")
  return tostring(ok) .. " " .. tostring(err) .. " " .. err:kind()
end
return { main = main }
"#;

fn app_dir(tag: &str) -> std::path::PathBuf {
    common::app(
        tag,
        REGISTRY,
        &[
            ("full.lua", FULL),
            ("reads.lua", READS),
            ("elsewhere.lua", ELSEWHERE),
            ("io_off_terminal.lua", IO_OFF_TERMINAL),
        ],
        None,
    )
}

#[test]
fn print_and_eprint_ignore_a_failed_write_and_write_reports_it() {
    let dir = app_dir("cli-io-full");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    let status = Command::new(env!("CARGO_BIN_EXE_wippy"))
        .args(["run", "-s", "-x", "app:full"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(full())
        .stderr(full())
        .status()
        .expect("wippy runs");
    assert_eq!(
        status.code(),
        Some(0),
        "{status:?} (the code names the check that failed)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn read_sizes_follow_the_originals_opt_int() {
    let dir = app_dir("cli-io-reads");
    let mut child = common::spawn_wippy(&dir, &["run", "-x", "app:reads"]);
    // All of the input is there before the first read: 2.9 takes 2 bytes, 0 the rest
    // (up to 1024), and -5 meets the end of input.
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"0123456789").expect("written");
    drop(stdin);
    let output = child.wait_with_output().expect("wippy ends");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stdout, "01\t23456789\tnil\tread: EOF\ttrue\n", "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn io_off_a_terminal_host_says_no_terminal_context() {
    let dir = app_dir("cli-io-elsewhere");
    let (stdout, stderr, code) = common::wippy_then_remove(&dir, &["run", "-x", "app:elsewhere"]);
    assert_eq!(stdout, "nil no terminal context Unavailable\n", "{stderr}");
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn an_empty_string_result_prints_nothing() {
    let dir = app_dir("cli-io-empty");
    let (stdout, stderr, code) = common::wippy_then_remove(&dir, &["run", "-x", "app:empty"]);
    assert_eq!(stdout, "", "{stderr}");
    assert_eq!(code, Some(0), "{stderr}");
}
