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
