//! `wippy run` stops its services on SIGTERM within the original's 30 s shutdown timeout,
//! so a service's own `stop_timeout` above the old 10 s deadline is honoured: its
//! cleanup after CANCEL runs to its end.

use std::io::Read;

mod common;

#[test]
fn a_stop_timeout_past_ten_seconds_is_honoured_at_shutdown() {
    let dir = common::slow_service_app("cli-shutdown", "11s");
    let mut child = common::spawn_wippy(&dir, &["run", "-v"]);
    common::kill_after(child.id(), 90);
    let mut stderr = child.stderr.take().expect("stderr");
    let mut seen = common::read_until(&mut stderr, "slow service ready");
    common::send_signal(child.id(), "TERM");
    stderr.read_to_end(&mut seen).expect("log read");
    let output = child.wait_with_output().expect("wippy ends");
    let log = String::from_utf8_lossy(&seen);
    assert!(log.contains("slow service cleanup done"), "{log}");
    assert!(!log.contains("shutdown deadline"), "{log}");
    assert_eq!(output.status.code(), Some(0), "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}
