//! How `wippy run` reads what it is asked to run, and what it keeps quiet: a malformed
//! `-x` is named before anything loads, `-x` and `--host` that disagree are refused,
//! `run list` ignores what follows it, a terminal host with `hide_logs: true` keeps the
//! logs off the console, a `lifecycle` on a Lua entry starts nothing (as in the
//! original), `-s` silences notes, and a `.wippy.yaml` that is no file is an error.

use common::LOCK;
use common::wippy_then_remove as wippy;
use std::path::PathBuf;

mod common;

const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - name: terminal
    kind: terminal.host
    lifecycle:
      auto_start: true
  - name: other_terminal
    kind: terminal.host
  - name: procs
    kind: process.host
    lifecycle:
      auto_start: true
  - name: seven
    kind: process.lua
    source: "return {main = function() return 7 end}"
    method: main
    meta:
      command: {name: seven, short: Returns seven}
  - name: logs
    kind: process.lua
    source: "return {main = function() print('printed through the log') return 0 end}"
    method: main
"#;

fn app_dir(name: &str, registry: &str, lock: Option<&str>) -> PathBuf {
    common::app(&format!("cli-exec-spec-{name}"), registry, &[], lock)
}

#[test]
fn a_malformed_exec_target_is_named() {
    for (spec, said) in [
        (
            "app",
            "-x app: missing separator ':' in the entry (namespace:name)",
        ),
        (
            ":seven",
            "-x :seven: empty namespace in the entry \":seven\"",
        ),
        ("app:", "-x app:: empty name in the entry \"app:\""),
        ("/app:seven", "-x /app:seven: empty host"),
        ("app:terminal/", "-x app:terminal/: empty entry"),
        (
            "terminal/app:seven",
            "-x terminal/app:seven: missing separator ':' in the host",
        ),
    ] {
        let dir = app_dir("malformed", REGISTRY, Some(LOCK));
        let (_, err, code) = wippy(&dir, &["run", "-x", spec]);
        assert_eq!(code, Some(1), "-x {spec}: {err}");
        assert!(err.contains(said), "-x {spec}: stderr: {err}");
    }
}

#[test]
fn exec_host_and_host_flag_must_agree() {
    let dir = app_dir("two-hosts", REGISTRY, Some(LOCK));
    let (_, err, code) = wippy(
        &dir,
        &[
            "run",
            "-x",
            "app:terminal/app:seven",
            "--host",
            "app:other_terminal",
        ],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("names host app:terminal, and --host names app:other_terminal"),
        "stderr: {err}"
    );
    // The same host twice is one.
    let dir = app_dir("same-host", REGISTRY, Some(LOCK));
    let (_, err, code) = wippy(
        &dir,
        &[
            "run",
            "-x",
            "app:terminal/app:seven",
            "--host",
            "app:terminal",
        ],
    );
    assert_eq!(code, Some(7), "{err}");
}

#[test]
fn run_list_ignores_what_follows_it() {
    let dir = app_dir("list-extra", REGISTRY, Some(LOCK));
    let (out, err, code) = wippy(&dir, &["run", "list", "extra"]);
    assert_eq!(code, Some(0), "stdout: {out}\nstderr: {err}");
    assert!(
        out.contains("seven  Returns seven  (app:seven)"),
        "stdout: {out}"
    );
}

#[test]
fn a_terminal_host_with_hide_logs_keeps_logs_off_the_console() {
    let shown = app_dir("logs-shown", REGISTRY, Some(LOCK));
    let (_, err, code) = wippy(&shown, &["-c", "run", "-x", "app:terminal/app:logs"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("printed through the log"), "stderr: {err}");

    let registry = REGISTRY.replace(
        "    kind: terminal.host\n    lifecycle:",
        "    kind: terminal.host\n    hide_logs: true\n    lifecycle:",
    );
    let hidden = app_dir("logs-hidden", &registry, Some(LOCK));
    let (_, err, code) = wippy(&hidden, &["-c", "run", "-x", "app:terminal/app:logs"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("printed through the log"), "stderr: {err}");
}

#[test]
fn a_lifecycle_on_a_lua_entry_starts_nothing_and_is_said() {
    let registry = REGISTRY.replace(
        "    source: \"return {main = function() return 7 end}\"\n",
        "    source: \"return {main = function() return 7 end}\"\n    lifecycle: {auto_start: true}\n",
    );
    let dir = app_dir("lua-lifecycle", &registry, Some(LOCK));
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:terminal/app:logs"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(
            "entry app:seven: lifecycle is not read on a process.lua entry (as in the original)"
        ),
        "stderr: {err}"
    );
    assert!(!err.contains("cannot start"), "stderr: {err}");
}

#[test]
fn silent_keeps_notes_and_warnings_off_stderr() {
    let registry = REGISTRY.replace(
        "    source: \"return {main = function() return 7 end}\"\n",
        "    source: \"return {main = function() return 7 end}\"\n    lifecycle: {auto_start: true}\n",
    );
    let noisy = app_dir("notes", &registry, None);
    let (_, err, code) = wippy(&noisy, &["run", "-x", "app:terminal/app:seven"]);
    assert_eq!(code, Some(7), "{err}");
    assert!(err.contains("no wippy.lock found"), "stderr: {err}");
    assert!(err.contains("warning: "), "stderr: {err}");

    let quiet = app_dir("silent", &registry, None);
    let (_, err, code) = wippy(&quiet, &["-s", "run", "-x", "app:terminal/app:seven"]);
    assert_eq!(code, Some(7), "{err}");
    assert_eq!(err, "", "stderr with -s");

    let init = common::scratch_dir("cli-exec-spec-init");
    let (_, err, code) = wippy(&init, &["-s", "init"]);
    assert_eq!((code, err.as_str()), (Some(0), ""));
}

#[test]
fn a_settings_file_that_is_a_directory_is_an_error() {
    let dir = app_dir("settings-dir", REGISTRY, Some(LOCK));
    std::fs::create_dir(dir.join(".wippy.yaml")).expect("directory made");
    let (_, err, code) = wippy(&dir, &["run", "-x", "app:terminal/app:seven"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(".wippy.yaml"), "stderr: {err}");
}
