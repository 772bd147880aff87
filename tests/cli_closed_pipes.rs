//! A write to a closed stdout or stderr pipe (`wippy run -x app:big | head -c 10`) ends
//! the command with SIGPIPE, as the original's Go runtime ends a program whose write to
//! file descriptor 1 or 2 meets a broken pipe (it does not catch SIGPIPE); it never
//! panics the command, and a script that prints in a loop does not run on for ever.

mod common;

use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};

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
  - name: printer
    kind: process.lua
    source: "return {main = function() while true do io.print('y') end end}"
    method: main
    modules: [io]
"#;

/// The write end of a pipe whose read end is closed already, so that the command's
/// first write to it meets a broken pipe however soon it writes (a pipe read by this
/// process and closed after the spawn let a fast command write into the pipe's buffer
/// first, on a loaded machine).
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe` writes.
    let made = unsafe { libc::pipe(fds.as_mut_ptr()) };
    assert_eq!(made, 0, "pipe: {}", std::io::Error::last_os_error());
    // SAFETY: `pipe` just opened both descriptors, and nothing else owns them.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    Stdio::from(write)
}

/// Runs `wippy args` in `dir` with stdout and stderr each either a pipe closed before the
/// command starts or discarded; returns its exit status.
fn run_with_closed(
    dir: &std::path::Path,
    args: &[&str],
    close_stdout: bool,
    close_stderr: bool,
) -> ExitStatus {
    let stream = |closed: bool| {
        if closed { closed_pipe() } else { Stdio::null() }
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_wippy"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(stream(close_stdout))
        .stderr(stream(close_stderr))
        .spawn()
        .expect("wippy runs");
    child.wait().expect("wippy ends")
}

const SIGPIPE: i32 = 13;

#[test]
fn a_write_to_a_closed_stdout_or_stderr_ends_the_command_with_sigpipe() {
    let dir = common::app("cli-closed-pipes", REGISTRY, &[], None);
    // The result string to a closed stdout; the no-lock notice and logs to a closed
    // stderr; a script printing for ever to a closed stdout.
    for (args, close_stdout, close_stderr) in [
        (&["run", "-x", "app:big"][..], true, false),
        (&["run", "-v", "-x", "app:big"][..], false, true),
        (&["run", "-v", "-x", "app:big"][..], true, true),
        (&["run", "-x", "app:printer"][..], true, false),
        (&["run", "list"][..], true, true),
    ] {
        let status = run_with_closed(&dir, args, close_stdout, close_stderr);
        assert_eq!(
            status.signal(),
            Some(SIGPIPE),
            "{args:?} (stdout closed: {close_stdout}, stderr closed: {close_stderr}): {status:?}"
        );
        let _ = std::fs::remove_file(dir.join("wippy.lock"));
    }
    // Nothing written, nothing lost: `init -s` writes the lock file and exits 0.
    let status = run_with_closed(&dir, &["init", "-s"], true, true);
    assert_eq!(status.code(), Some(0), "{status:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// With stderr a closed pipe, the signals still end the run at once: its first log line
/// after the close ends the command with SIGPIPE (once, a panic of `eprintln!` ended the
/// signal thread instead, and the run went on through the whole shutdown).
#[test]
fn signals_end_the_run_with_stderr_closed() {
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
    assert!(
        status.signal() == Some(SIGPIPE) || status.code() == Some(1),
        "{status:?} (killed by the guard after 15 s if the signals were lost)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
