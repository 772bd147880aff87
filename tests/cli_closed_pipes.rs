//! Output to a closed pipe (`wippy run -x app:big | head -c 10`) is lost, as a Go
//! program's would be, and never panics the command: the exit code stays the program's.

mod common;

use std::process::{Command, Stdio};

const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - name: terminal
    kind: terminal.host
    lifecycle: {auto_start: true}
  - name: big
    kind: process.lua
    source: "return {main = function() print('a log line') return string.rep('x', 1000000) end}"
    method: main
"#;

/// Runs `wippy args` in `dir` with stdout and stderr each either a pipe closed before the
/// command writes or discarded; returns its exit code.
fn run_with_closed(
    dir: &std::path::Path,
    args: &[&str],
    close_stdout: bool,
    close_stderr: bool,
) -> Option<i32> {
    let stream = |closed: bool| {
        if closed {
            Stdio::piped()
        } else {
            Stdio::null()
        }
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_wippy"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(stream(close_stdout))
        .stderr(stream(close_stderr))
        .spawn()
        .expect("wippy runs");
    // The read ends go before the command writes anything.
    drop(child.stdout.take());
    drop(child.stderr.take());
    child.wait().expect("wippy ends").code()
}

#[test]
fn closed_stdout_or_stderr_does_not_panic() {
    let dir = common::app("cli-closed-pipes", REGISTRY, &[], None);
    // The result string to a closed stdout; the no-lock notice and logs to a closed stderr.
    for (args, close_stdout, close_stderr) in [
        (&["run", "-x", "app:big"][..], true, false),
        (&["run", "-v", "-x", "app:big"][..], false, true),
        (&["run", "-v", "-x", "app:big"][..], true, true),
        (&["run", "list"][..], true, true),
        (&["init"][..], true, true),
    ] {
        let code = run_with_closed(&dir, args, close_stdout, close_stderr);
        assert_eq!(
            code,
            Some(0),
            "{args:?} (stdout closed: {close_stdout}, stderr closed: {close_stderr})"
        );
        let _ = std::fs::remove_file(dir.join("wippy.lock"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A second signal exits at once (status 1) when stderr is a closed pipe too: its note
/// was written with `eprintln!`, whose panic ended the signal thread before the exit, so
/// the run went on through the whole shutdown.
#[test]
fn second_signal_exits_with_stderr_closed() {
    // The service's cleanup takes 30 s after a cancel; its stop timeout is 20 s.
    let dir = common::slow_service_app("closed-pipes-second-signal", "30s");
    let mut child = common::spawn_wippy(&dir, &["run", "-v"]);
    let pid = child.id();
    common::kill_after(pid, 15);
    let mut stderr = child.stderr.take().expect("stderr is piped");
    common::read_until(&mut stderr, "slow service ready");
    drop(stderr);
    drop(child.stdout.take());
    common::send_signal(pid, "TERM");
    std::thread::sleep(std::time::Duration::from_millis(300));
    common::send_signal(pid, "TERM");
    let status = child.wait().expect("wippy ends");
    assert_eq!(
        status.code(),
        Some(1),
        "{status:?} (killed by the guard after 15 s if the second signal was lost)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
