//! What the tests of the `wippy` binary share: a scratch application directory and a
//! run of the binary in it. Each test file uses the part it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The lock file every scratch application gets.
pub(crate) const LOCK: &str = "directories:\n  modules: .wippy\n  src: ./src\n";

/// A fresh directory `wippy-<tag>-<pid>` under the system's temp directory (emptied if
/// a previous run left it).
pub(crate) fn scratch_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wippy-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A scratch application: `src/_index.yaml` holding `registry`, each of `files` under
/// `src/`, and `lock` as `wippy.lock` (none when `None`).
pub(crate) fn app(
    tag: &str,
    registry: &str,
    files: &[(&str, &str)],
    lock: Option<&str>,
) -> PathBuf {
    let dir = scratch_dir(tag);
    let src = dir.join("src");
    std::fs::create_dir_all(&src).expect("src dir");
    std::fs::write(src.join("_index.yaml"), registry).expect("registry written");
    for (name, text) in files {
        std::fs::write(src.join(name), text).expect("source written");
    }
    if let Some(lock) = lock {
        std::fs::write(dir.join("wippy.lock"), lock).expect("lock written");
    }
    dir
}

/// Runs `wippy args` in `dir` to its end: stdout, stderr, exit code.
pub(crate) fn wippy(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let output = Command::new(env!("CARGO_BIN_EXE_wippy"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("wippy runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code(),
    )
}

/// As [`wippy`], then removes `dir` (a scratch application made for this one run).
pub(crate) fn wippy_then_remove(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let output = wippy(dir, args);
    let _ = std::fs::remove_dir_all(dir);
    output
}

/// Starts `wippy args` in `dir` with piped stdin, stdout and stderr.
pub(crate) fn spawn_wippy(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_wippy"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wippy starts")
}

/// Kills `pid` with SIGKILL if it still runs after `seconds`, so that a regression that
/// keeps `wippy` running fails its test instead of hanging it. Not a timing check: the
/// runs it guards end well before.
pub(crate) fn kill_after(pid: u32, seconds: u64) {
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(seconds));
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    });
}

/// Sends `signal` (`"INT"`, `"TERM"`) to `pid`.
pub(crate) fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// Reads `from` byte by byte until `marker` has appeared, and returns all it read
/// (panicking with it if the stream ends first).
pub(crate) fn read_until(from: &mut impl std::io::Read, marker: &str) -> Vec<u8> {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).contains(marker) {
        match from.read(&mut byte) {
            Ok(1) => seen.push(byte[0]),
            _ => panic!(
                "output ended before {marker:?}: {}",
                String::from_utf8_lossy(&seen)
            ),
        }
    }
    seen
}

/// A scratch application whose auto-started service `app:slow_service` (with
/// `stop_timeout: 20s`) logs `slow service ready` once up, and on CANCEL sleeps `sleep`
/// (a duration text) before it logs `slow service cleanup done` and returns.
pub(crate) fn slow_service_app(tag: &str, sleep: &str) -> PathBuf {
    const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - {name: processes, kind: process.host, lifecycle: {auto_start: true}}
  - name: slow
    kind: process.lua
    source: file://slow.lua
    method: main
    modules: [time, logger]
  - name: slow_service
    kind: process.service
    process: app:slow
    host: app:processes
    lifecycle: {auto_start: true, stop_timeout: 20s}
"#;
    let slow = format!(
        r#"
local function main()
  local events = process.events()
  logger:info("slow service ready")
  while true do
    local e = events:receive()
    if e.kind == process.event.CANCEL then
      time.sleep("{sleep}")
      logger:info("slow service cleanup done")
      return 0
    end
  end
end
return {{ main = main }}
"#
    );
    app(tag, REGISTRY, &[("slow.lua", &slow)], Some(LOCK))
}
