//! A Lua service whose script fails at its top level, or has no function under its
//! `method`, fails to start, as the original's spawn runs the top level before it
//! returns: the services that require it are not started, and `wippy run -x` stops
//! before its process, naming the file, line and entry of both. While such a service is
//! retried, the start waits, says so on stderr (`-x` shows no logs), and Ctrl+C ends it.

use std::io::Read;

mod common;

fn registry(broken_restart: &str) -> String {
    format!(
        r#"version: "1.0"
namespace: app
entries:
  - {{name: processes, kind: process.host, lifecycle: {{auto_start: true}}}}
  - {{name: terminal, kind: terminal.host, lifecycle: {{auto_start: true}}}}
  - {{name: broken, kind: process.lua, source: file://broken.lua, method: main}}
  - {{name: nameless, kind: process.lua, source: file://nameless.lua, method: main}}
  - {{name: dependent, kind: process.lua, source: file://dependent.lua, method: main}}
  - {{name: cli, kind: process.lua, source: file://cli.lua, method: main, modules: [io]}}
  - {{name: idle, kind: process.lua, source: file://idle.lua, method: main}}
  - name: broken_service
    kind: process.service
    process: app:broken
    host: app:processes
    lifecycle: {{auto_start: true, restart: {broken_restart}}}
  - name: dependent_service
    kind: process.service
    process: app:dependent
    host: app:processes
    lifecycle: {{auto_start: true, requires: [app:broken_service]}}
"#
    )
}

const BROKEN: &str = r#"
local config = nil
local port = config.port
return { main = function() return 0 end }
"#;

const NAMELESS: &str = r#"
return { run = function() return 0 end }
"#;

/// Shows that it ran, from its top level, so before it counts as booted.
const DEPENDENT: &str = r#"
process.registry.register("dependent_ran")
local function main()
  process.inbox():receive()
end
return { main = main }
"#;

const IDLE: &str = r#"
return { main = function() process.inbox():receive() end }
"#;

const CLI: &str = r#"
local function main()
  io.print("cli ran; dependent ran: " .. tostring(process.registry.lookup("dependent_ran") ~= nil))
  return 0
end
return { main = main }
"#;

fn app(tag: &str, registry: &str) -> std::path::PathBuf {
    common::app(
        tag,
        registry,
        &[
            ("broken.lua", BROKEN),
            ("nameless.lua", NAMELESS),
            ("dependent.lua", DEPENDENT),
            ("cli.lua", CLI),
            ("idle.lua", IDLE),
        ],
        Some(common::LOCK),
    )
}

/// The line of `- name: <name>` in `registry`, 1-based.
fn line_of(registry: &str, name: &str) -> usize {
    registry
        .lines()
        .position(|l| l.trim() == format!("- name: {name}"))
        .expect("entry in the registry")
        + 1
}

#[test]
fn a_service_failing_at_its_top_level_blocks_its_dependents_and_the_run() {
    let registry = registry("{max_attempts: 2, initial_delay: 10ms}");
    let dir = app("cli-service-boot", &registry);
    let (stdout, stderr, code) = common::wippy(&dir, &["run", "-x", "app:cli"]);
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(!stdout.contains("cli ran"), "{stdout}");
    let broken = line_of(&registry, "broken_service");
    let dependent = line_of(&registry, "dependent_service");
    assert!(
        stderr.contains(&format!(
            "_index.yaml:{broken}: entry app:broken_service: service failed to start:"
        )),
        "{stderr}"
    );
    // The Lua error, with the script's file and line.
    assert!(
        stderr.contains("broken.lua:3:") && stderr.contains("attempt to index"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "_index.yaml:{dependent}: entry app:dependent_service: not started: requires app:broken_service, which did not start"
        )),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_script_without_its_method_fails_the_service_start() {
    let registry =
        registry("{max_attempts: 1}").replace("process: app:broken\n", "process: app:nameless\n");
    let dir = app("cli-service-boot-method", &registry);
    let (stdout, stderr, code) = common::wippy(&dir, &["run", "-x", "app:cli"]);
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(!stdout.contains("cli ran"), "{stdout}");
    assert!(
        stderr.contains("entry app:broken_service: service failed to start:")
            && stderr.contains("\"main\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("entry app:dependent_service: not started"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_healthy_registry_still_runs_its_dependents_and_the_command() {
    let registry =
        registry("{max_attempts: 1}").replace("process: app:broken\n", "process: app:idle\n");
    let dir = app("cli-service-boot-healthy", &registry);
    let (stdout, stderr, code) = common::wippy(&dir, &["run", "-x", "app:cli"]);
    assert_eq!(code, Some(0), "stdout: {stdout}\nstderr: {stderr}");
    // The dependent service had started (booted) before the `-x` process ran.
    assert_eq!(
        stdout.trim_end(),
        "cli ran; dependent ran: true",
        "{stderr}"
    );
    assert!(!stderr.contains("failed to start"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ctrl_c_ends_a_start_that_waits_for_a_retrying_service() {
    let registry = registry("{initial_delay: 10ms, max_delay: 20ms}");
    let dir = app("cli-service-boot-retry", &registry);
    let mut child = common::spawn_wippy(&dir, &["run", "-x", "app:cli"]);
    // A regression that no longer ends on Ctrl+C fails here instead of hanging.
    common::kill_after(child.id(), 60);
    let mut stderr = child.stderr.take().expect("stderr");
    let mut seen = common::read_until(&mut stderr, "(Ctrl+C stops)");
    common::send_signal(child.id(), "INT");
    stderr.read_to_end(&mut seen).expect("stderr read");
    let output = child.wait_with_output().expect("wippy ends");
    let stderr = String::from_utf8_lossy(&seen);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(!stdout.contains("cli ran"), "{stdout}");
    assert!(
        stderr.contains("service app:broken_service failed to start")
            && stderr.contains("attempt to index"),
        "{stderr}"
    );
    assert!(
        stderr.contains("start interrupted while waiting for app:broken_service to start"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
