//! The echo-service tutorial, run verbatim through the `wippy` binary: both `-x` forms,
//! driven through stdin and stdout.

use std::io::Write;
use std::process::{Command, Stdio};

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn run_tutorial(target: &str, input: &str) -> (String, String, Option<i32>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/echo-service");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wippy"))
        .args(["run", "-x", target])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wippy starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("input written");
    let output = child.wait_with_output().expect("wippy ends");
    (
        strip_ansi(&String::from_utf8_lossy(&output.stdout)),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code(),
    )
}

fn worker_pids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("from worker: "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn tutorial_form_host_slash_entry_echoes_each_line_from_a_fresh_worker() {
    let (stdout, stderr, code) =
        run_tutorial("app:terminal/app:cli", "hello world\nsecond line\n\n");
    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert!(
        stdout.starts_with("Echo Client\nType messages to echo. Ctrl+C to exit.\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("> ") && stdout.contains("  HELLO WORLD\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  SECOND LINE\n"), "{stdout}");
    assert!(stdout.trim_end().ends_with("Goodbye!"), "{stdout}");
    let pids = worker_pids(&stdout);
    assert_eq!(pids.len(), 2, "{stdout}");
    for pid in &pids {
        assert!(
            pid.starts_with("{app:processes|0x") && pid.ends_with('}'),
            "{pid}"
        );
        assert_eq!(pid.len(), "{app:processes|0x00004}".len(), "{pid}");
    }
    assert_ne!(pids[0], pids[1], "each message gets its own worker");
    assert!(stderr.is_empty(), "-x keeps the terminal clean: {stderr}");
}

#[test]
fn plain_entry_form_works_too_and_eof_ends_the_client() {
    let (stdout, stderr, code) = run_tutorial("app:cli", "ping\n");
    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert!(stdout.contains("  PING\n"), "{stdout}");
    assert_eq!(worker_pids(&stdout).len(), 1);
    assert!(stdout.trim_end().ends_with("Goodbye!"), "{stdout}");
}

#[test]
fn an_unknown_entry_fails_with_a_clear_error() {
    let (_, stderr, code) = run_tutorial("app:nope", "");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("app:nope") && stderr.contains("not found"),
        "{stderr}"
    );
}
