//! `wippy run` without `-x`: when the process on a terminal host ends (here a
//! `process.service` placed on it), the run ends with that process's result, as the
//! original's terminal host shuts the runtime down when its process completes. A process
//! that ends on any other host does not end the run.

mod common;

fn registry(service_host: &str) -> String {
    format!(
        r#"version: "1.0"
namespace: app
entries:
  - {{name: processes, kind: process.host, lifecycle: {{auto_start: true}}}}
  - {{name: terminal, kind: terminal.host, lifecycle: {{auto_start: true}}}}
  - {{name: cli, kind: process.lua, source: file://cli.lua, method: main, modules: [io]}}
  - {{name: helper, kind: process.lua, source: file://helper.lua, method: main}}
  - name: cli_service
    kind: process.service
    process: app:cli
    host: {service_host}
    lifecycle: {{auto_start: true, restart: {{max_attempts: 1}}}}
  - name: helper_service
    kind: process.service
    process: app:helper
    host: app:processes
    lifecycle: {{auto_start: true}}
"#
    )
}

/// A script that prints `cli ran`, then runs `result` (a `return` or an `error`).
fn cli(result: &str) -> String {
    format!(
        r#"
local function main()
  io.print("cli ran")
  {result}
end
return {{ main = main }}
"#
    )
}

/// Runs until its CANCEL.
const HELPER: &str = r#"
return { main = function() process.events():receive() end }
"#;

fn run(tag: &str, service_host: &str, result: &str) -> (String, String, Option<i32>) {
    let cli = cli(result);
    run_app(
        tag,
        &registry(service_host),
        &[("cli.lua", &cli), ("helper.lua", HELPER)],
    )
}

/// Runs `wippy run` in a scratch app of `registry` and `files` to its end (killed after
/// 30 s, so that a run that fails to end fails its test instead of hanging it).
fn run_app(tag: &str, registry: &str, files: &[(&str, &str)]) -> (String, String, Option<i32>) {
    let dir = common::app(tag, registry, files, Some(common::LOCK));
    let child = common::spawn_wippy(&dir, &["run"]);
    common::kill_after(child.id(), 30);
    let output = child.wait_with_output().expect("wippy ends");
    let _ = std::fs::remove_dir_all(&dir);
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code(),
    )
}

#[test]
fn a_terminal_service_that_returns_a_number_ends_the_run_with_it() {
    let (stdout, stderr, code) = run("terminal-end-number", "app:terminal", "return 3");
    assert_eq!(code, Some(3), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout, "cli ran\n", "{stderr}");
}

#[test]
fn a_terminal_service_that_returns_a_string_prints_it_and_succeeds() {
    let (stdout, stderr, code) = run("terminal-end-string", "app:terminal", "return \"done\"");
    assert_eq!(code, Some(0), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout, "cli ran\ndone\n", "{stderr}");
}

#[test]
fn a_terminal_service_that_fails_ends_the_run_with_its_error() {
    let (stdout, stderr, code) = run(
        "terminal-end-error",
        "app:terminal",
        "error(\"the cli broke\")",
    );
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stderr.contains("error: app:cli: ") && stderr.contains("cli.lua:4: the cli broke"),
        "{stderr}"
    );
}

/// The same service on a process host ends and the run goes on (until the signal,
/// sent here once the supervisor's log shows that the service ended).
#[test]
fn a_service_that_ends_on_a_process_host_does_not_end_the_run() {
    let cli = cli("return 3");
    let dir = common::app(
        "terminal-end-other-host",
        &registry("app:processes"),
        &[("cli.lua", &cli), ("helper.lua", HELPER)],
        Some(common::LOCK),
    );
    let mut child = common::spawn_wippy(&dir, &["run"]);
    common::kill_after(child.id(), 30);
    // (`io` writes nothing off a terminal host: the supervisor's log says it ended.)
    let mut stderr = child.stderr.take().expect("piped stderr");
    common::read_until(
        &mut stderr,
        "service process exited normally; not restarted service=app:cli_service",
    );
    // Had the end of the service ended the run, the program would be gone by now; a
    // status seen here means it ended without the signal.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        child.try_wait().expect("wippy's status").is_none(),
        "the run ended with the service"
    );
    common::send_signal(child.id(), "INT");
    let status = child.wait().expect("wippy ends");
    let _ = std::fs::remove_dir_all(&dir);
    // Stopped by the signal (0), not by the service's 3.
    assert_eq!(status.code(), Some(0));
}

/// A terminal service whose first run fails at its top level failed its start (as the
/// original's spawn fails), which does not end the run: its restart runs and ends it.
#[test]
fn a_terminal_process_that_fails_before_it_boots_does_not_end_the_run() {
    const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - {name: processes, kind: process.host, lifecycle: {auto_start: true}}
  - {name: terminal, kind: terminal.host, lifecycle: {auto_start: true}}
  - {name: keeper, kind: process.lua, source: file://keeper.lua, method: main}
  - {name: cli, kind: process.lua, source: file://cli.lua, method: main, modules: [io]}
  - name: keeper_service
    kind: process.service
    process: app:keeper
    host: app:processes
    lifecycle: {auto_start: true}
  - name: cli_service
    kind: process.service
    process: app:cli
    host: app:terminal
    lifecycle: {auto_start: true, requires: [app:keeper_service], restart: {initial_delay: 1s}}
"#;
    // Marks the first run, so that only the first fails.
    const KEEPER: &str = r#"
process.registry.register("keeper")
return { main = function()
  process.inbox():receive()
  process.registry.register("first_run_seen")
  process.inbox():receive()
end }
"#;
    const CLI: &str = r#"
if process.registry.lookup("first_run_seen") == nil then
  process.send("keeper", "mark", true)
  error("first run fails at its top level")
end
return { main = function() io.print("second run") return 9 end }
"#;
    let (stdout, stderr, code) = run_app(
        "terminal-end-boot-failure",
        REGISTRY,
        &[("keeper.lua", KEEPER), ("cli.lua", CLI)],
    );
    assert_eq!(code, Some(9), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout, "second run\n", "{stderr}");
}

/// The start waits for a service that keeps failing (it is retried for ever), and the
/// terminal service ends meanwhile: the run ends with its result.
#[test]
fn a_terminal_process_that_ends_while_the_start_waits_ends_the_run() {
    const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - {name: processes, kind: process.host, lifecycle: {auto_start: true}}
  - {name: terminal, kind: terminal.host, lifecycle: {auto_start: true}}
  - {name: broken, kind: process.lua, source: file://broken.lua, method: main}
  - {name: cli, kind: process.lua, source: file://cli.lua, method: main, modules: [io]}
  - name: broken_service
    kind: process.service
    process: app:broken
    host: app:processes
    lifecycle: {auto_start: true, restart: {initial_delay: 100ms}}
  - name: dependent_service
    kind: process.service
    process: app:cli
    host: app:processes
    lifecycle: {auto_start: true, requires: [app:broken_service]}
  - name: cli_service
    kind: process.service
    process: app:cli
    host: app:terminal
    lifecycle: {auto_start: true}
"#;
    const BROKEN: &str = "error('never boots')\n";
    const CLI: &str = "return { main = function() io.print('cli ran') return 7 end }\n";
    let (stdout, stderr, code) = run_app(
        "terminal-end-during-start",
        REGISTRY,
        &[("broken.lua", BROKEN), ("cli.lua", CLI)],
    );
    assert_eq!(code, Some(7), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout, "cli ran\n", "{stderr}");
}

/// Ctrl+C stops the run; the terminal service hears CANCEL and returns 5, which the run
/// then exits with, as a `-x` process's result after Ctrl+C.
#[test]
fn a_terminal_process_that_ends_after_ctrl_c_gives_the_exit_code() {
    const CLI: &str = r#"
return { main = function()
  local events = process.events()
  io.print("waiting")
  local e = events:receive()
  io.print("got " .. tostring(e.kind))
  return 5
end }
"#;
    let dir = common::app(
        "terminal-end-ctrl-c",
        &registry("app:terminal"),
        &[("cli.lua", CLI), ("helper.lua", HELPER)],
        Some(common::LOCK),
    );
    let mut child = common::spawn_wippy(&dir, &["run"]);
    common::kill_after(child.id(), 30);
    let mut stdout = child.stdout.take().expect("piped stdout");
    common::read_until(&mut stdout, "waiting\n");
    common::send_signal(child.id(), "INT");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("stdout read");
    let status = child.wait().expect("wippy ends");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(rest, "got pid.cancel\n");
    assert_eq!(status.code(), Some(5));
}
