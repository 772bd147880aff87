//! The CLI's answers to mistakes: a `-x` host that is not a terminal host, a second
//! process on a terminal host, an error raised as a table, a memory limit too large to
//! address, a worker count past the scheduler's limit, modules in `wippy.lock`, and a
//! misspelt entry kind.

use common::LOCK;
use common::wippy_then_remove as wippy;
use std::path::PathBuf;
use std::process::Command;

mod common;

const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - name: terminal
    kind: terminal.host
    lifecycle:
      auto_start: true
  - name: procs
    kind: process.host
    lifecycle:
      auto_start: true
  - name: second
    kind: process.lua
    source: file://second.lua
    method: main
  - name: raise_table
    kind: process.lua
    source: "return {main = function() error({code = 5}) end}"
    method: main
  - name: raise_named
    kind: process.lua
    source: "return {main = function() error(setmetatable({}, {__tostring = function() return 'named failure' end})) end}"
    method: main
  - name: seven
    kind: process.lua
    source: "return {main = function() return 7 end}"
    method: main
"#;

/// A `-x` process that tries to start a second process on its own terminal host.
const SECOND: &str = r#"
local function main()
  local pid, err = process.spawn("app:seven", "app:terminal")
  if pid ~= nil then return "spawned a second process on the terminal: " .. tostring(pid) end
  if not tostring(err):find("exactly one process", 1, true) then return "error: " .. tostring(err) end
  -- Process hosts take any number.
  local other, err2 = process.spawn("app:seven", "app:procs")
  if other == nil then return "process host refused: " .. tostring(err2) end
  return 0
end
return { main = main }
"#;

fn app_dir(name: &str, registry: &str, lock: &str) -> PathBuf {
    common::app(
        &format!("cli-errors-{name}"),
        registry,
        &[("second.lua", SECOND)],
        Some(lock),
    )
}

#[test]
fn exec_on_a_process_host_is_refused() {
    let dir = app_dir("not-terminal", REGISTRY, LOCK);
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:procs/app:seven"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("app:procs is not a terminal.host"),
        "stderr: {err}"
    );
}

#[test]
fn a_terminal_host_runs_exactly_one_process() {
    let dir = app_dir("second", REGISTRY, LOCK);
    let (out, err, code) = wippy(&dir, &["run", "-x", "app:second"]);
    assert_eq!(code, Some(0), "stdout: {out}\nstderr: {err}");
}

#[test]
fn an_error_raised_as_a_table_is_named() {
    let dir = app_dir("raise-table", REGISTRY, LOCK);
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:raise_table"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("error: app:raise_table: (error object is a table value)"),
        "stderr: {err}"
    );
}

#[test]
fn an_error_raised_as_a_table_with_tostring_is_named_by_it() {
    let dir = app_dir("raise-named", REGISTRY, LOCK);
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:raise_named"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("error: app:raise_named: named failure"),
        "stderr: {err}"
    );
}

#[test]
fn a_memory_limit_past_the_address_space_is_refused() {
    let dir = app_dir("memory", REGISTRY, LOCK);
    let (_, err, code) = wippy(
        &dir,
        &[
            "run",
            "--process-memory-mb",
            "17592186044417",
            "-x",
            "app:seven",
        ],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("--process-memory-mb 17592186044417"),
        "stderr: {err}"
    );
}

#[test]
fn too_many_workers_is_a_field_error() {
    let registry = REGISTRY.replace(
        "    kind: process.host\n",
        "    kind: process.host\n    host:\n      workers: 100000\n",
    );
    let dir = app_dir("workers", &registry, LOCK);
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:seven"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("_index.yaml:11:")
            && err.contains("host.workers")
            && err.contains("at most 1024"),
        "stderr: {err}"
    );
}

#[test]
fn modules_in_the_lock_file_are_announced() {
    let lock = format!("{LOCK}modules:\n  - name: org/mod\n    version: v1.2.0\n    hash: abc\n");
    let dir = app_dir("lock-modules", REGISTRY, &lock);
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:seven"]);
    assert_eq!(code, Some(7), "{err}");
    assert!(
        err.contains("lists 1 module(s)") && err.contains("does not install or load modules"),
        "stderr: {err}"
    );
}

/// A `-x` process's error is printed whole: the context `errors.wrap` put in front of
/// the message too, as Lua's `tostring` (and the original's `Error()`) gives it.
#[test]
fn a_wrapped_error_is_printed_with_its_context() {
    let registry = format!(
        "{REGISTRY}  - name: wrapped\n    kind: process.lua\n    source: \"return {{main = function() return nil, errors.wrap(errors.new('inner'), 'outer') end}}\"\n    method: main\n"
    );
    let dir = app_dir("wrapped-error", &registry, LOCK);
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:wrapped"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("error: app:wrapped: outer: inner"),
        "stderr: {err}"
    );
}

/// Runs `wippy run -x entry` in an app of `registry`, waits for the process to print
/// `ready`, sends SIGINT, and gives the exit code and stderr.
fn run_until_ready_then_interrupt(
    name: &str,
    registry: &str,
    entry: &str,
) -> (Option<i32>, String) {
    use std::io::{BufRead, BufReader};
    let dir = app_dir(name, registry, LOCK);
    let mut child = Command::new(env!("CARGO_BIN_EXE_wippy"))
        .args(["run", "-x", entry])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("wippy runs");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("a line");
    assert_eq!(line.trim(), "ready");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let output = child.wait_with_output().expect("wippy ends");
    let _ = std::fs::remove_dir_all(&dir);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A process that takes the CANCEL of a Ctrl+C and then fails on its own reports its
/// error (exit 1), as at any other time; only a process the shutdown killed is
/// `interrupted` (below).
#[test]
fn an_error_after_the_cancel_is_reported() {
    let registry = format!(
        "{REGISTRY}  - name: fails_on_cancel\n    kind: process.lua\n    source: \"local io = require('io') return {{main = function() local ev = process.events() io.print('ready') ev:receive() error('cleanup failed') end}}\"\n    method: main\n    modules: [io]\n"
    );
    let (code, err) =
        run_until_ready_then_interrupt("error-after-cancel", &registry, "app:fails_on_cancel");
    assert_eq!(code, Some(1), "stderr: {err}");
    assert!(
        err.contains("error: app:fails_on_cancel:") && err.contains("cleanup failed"),
        "stderr: {err}"
    );
}

/// SIGINT during `-x` stops the runtime within the shutdown grace; a process that ignores
/// CANCEL is then terminated, and the command exits with 130 and says `interrupted`
/// instead of reporting a failure of the program.
#[test]
fn an_interrupted_exec_exits_with_130() {
    let registry = format!(
        "{REGISTRY}  - name: waits\n    kind: process.lua\n    source: \"local io = require('io') return {{main = function() io.print('ready') process.inbox():receive() return 0 end}}\"\n    method: main\n    modules: [io]\n"
    );
    let (code, err) = run_until_ready_then_interrupt("interrupted", &registry, "app:waits");
    assert_eq!(code, Some(130), "stderr: {err}");
    assert!(
        err.contains("interrupted") && !err.contains("error:"),
        "stderr: {err}"
    );
}

/// A syntax error in inline `source:` code names the entry and where the entry is
/// defined (its lines count from the start of the source text).
#[test]
fn a_syntax_error_in_inline_source_names_the_definition() {
    let registry = format!(
        "{REGISTRY}  - name: broken\n    kind: process.lua\n    source: |\n      local function main()\n        return 1 +\n      end\n      return {{main = main}}\n    method: main\n"
    );
    let dir = app_dir("inline-syntax", &registry, LOCK);
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:broken"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("app:broken:3:")
            && err.contains("inline source of the entry at ")
            && err.contains("_index.yaml:28"),
        "stderr: {err}"
    );
}

/// A kind that looks like a typo of a documented one is named when the registry loads,
/// even when nothing starts the entry; the rest runs, and kinds of families this runtime
/// cannot judge (`queue.consumer`) pass silently.
#[test]
fn a_misspelt_kind_is_named_at_load() {
    let registry = format!(
        "{REGISTRY}  - name: typo\n    kind: process.luaa\n    source: \"return {{main = function() return 0 end}}\"\n    method: main\n  - name: jobs\n    kind: queue.consumer\n"
    );
    let dir = app_dir("misspelt-kind", &registry, LOCK);
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:seven"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(7), "{err}");
    assert!(
        err.contains("_index.yaml:28: entry app:typo: kind process.luaa is not a Wippy kind (did you mean process.lua?)"),
        "stderr: {err}"
    );
    assert_eq!(err.lines().count(), 1, "only the typo: {err}");
}

/// An entry without `method:` runs its script's `main`, as the original's process
/// factory does; a script that exports no `main` fails naming it.
#[test]
fn an_entry_without_method_runs_main() {
    let registry = format!(
        "{REGISTRY}  - name: nomethod\n    kind: process.lua\n    source: \"return {{main = function() return 5 end}}\"\n  - name: nomain\n    kind: process.lua\n    source: \"return {{other = function() return 5 end}}\"\n"
    );
    let dir = app_dir("no-method", &registry, LOCK);
    let (_, err, code) = common::wippy(&dir, &["run", "-x", "app:nomethod"]);
    assert_eq!(code, Some(5), "{err}");
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:nomain"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("entry app:nomain") && err.contains("a function \"main\""),
        "{err}"
    );
}

/// An application of a terminal host and one entry `app:main` from `main.lua` (bytes).
fn one_file_app(tag: &str, source: &[u8]) -> PathBuf {
    let registry = "version: \"1.0\"\nnamespace: app\nentries:\n  - name: terminal\n    kind: terminal.host\n    lifecycle:\n      auto_start: true\n  - name: main\n    kind: process.lua\n    source: file://main.lua\n    method: main\n";
    let dir = common::app(tag, registry, &[], Some(LOCK));
    std::fs::write(dir.join("src").join("main.lua"), source).expect("main.lua");
    dir
}

/// A byte-order mark and a `#!` first line are skipped, as `lua` does, keeping the line
/// numbers; a source file whose bytes are not UTF-8 is refused naming its file and line.
#[test]
fn source_file_headers_and_bad_bytes() {
    let dir = one_file_app(
        "cli-errors-header",
        "\u{feff}#!/usr/bin/env wippy\nlocal function main()\n  error(\"line three\")\nend\nreturn { main = main }\n"
            .as_bytes(),
    );
    let (_, stderr, code) = wippy(&dir, &["run", "-x", "app:main"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("main.lua:3: line three"),
        "the header is skipped and the line numbers kept: {stderr}"
    );
    let dir = one_file_app(
        "cli-errors-latin",
        b"local function main()\n  return \"caf\xe9\"\nend\nreturn { main = main }\n",
    );
    let (_, stderr, code) = wippy(&dir, &["run", "-x", "app:main"]);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("main.lua:2: the source is not UTF-8"),
        "the file and line of the bad byte: {stderr}"
    );
}

/// A chunk nested deeper than Lua's parser goes (the probe's 10^5 parentheses) is a
/// syntax error naming its file and line; Lua itself says only "C stack overflow".
#[test]
fn a_chunk_nested_too_deep_names_its_line() {
    let source = format!(
        "local function main()\n  return 0\nend\nlocal x = {}1{}\nreturn {{ main = main }}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let dir = one_file_app("cli-errors-deep", source.as_bytes());
    let (_, stderr, code) = wippy(&dir, &["run", "-x", "app:main"]);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("main.lua:4: syntax error: nesting too deep")
            && !stderr.contains("C stack overflow"),
        "the file and line of the nesting: {stderr}"
    );
}
