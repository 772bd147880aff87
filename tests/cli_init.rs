//! `wippy init` writes `wippy.lock` (reference §3); run again, it rewrites the
//! directories from its flags and keeps the modules, replacements and options the lock
//! file already lists, as the original's `init` does.

use std::path::Path;
use wippy_runtime::registry::LockFile;

mod common;

fn wippy(dir: &Path, args: &[&str]) -> (String, Option<i32>) {
    let (_, stderr, code) = common::wippy(dir, args);
    (stderr, code)
}

fn read_lock(dir: &Path) -> LockFile {
    LockFile::read(&dir.join("wippy.lock")).expect("a readable lock file")
}

#[test]
fn init_writes_the_default_lock_file() {
    let dir = common::scratch_dir("init-default");
    let (err, code) = wippy(&dir, &["init"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("wrote wippy.lock"), "{err}");
    assert_eq!(read_lock(&dir), LockFile::default());
    // As the original's `os.WriteFile(path, data, 0600)`: for its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("wippy.lock"))
            .expect("lock file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_again_rewrites_the_directories_and_keeps_the_modules() {
    let dir = common::scratch_dir("init-again");
    std::fs::write(
        dir.join("wippy.lock"),
        "directories: {modules: .wippy, src: ./src}\nmodules:\n  - {name: org/mod, version: v1.0.0, hash: abc}\nreplacements:\n  - {from: org/mod, to: ../mod}\n",
    )
    .expect("lock written");
    let (err, code) = wippy(&dir, &["init", "-d", "./other", "--modules-dir", ".mods"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("updated wippy.lock"), "{err}");
    let lock = read_lock(&dir);
    assert_eq!(lock.directories.src, Path::new("./other"));
    assert_eq!(lock.directories.modules, Path::new(".mods"));
    assert_eq!(lock.modules.len(), 1);
    assert_eq!(lock.modules[0].name, "org/mod");
    assert_eq!(lock.modules[0].hash.as_deref(), Some("abc"));
    assert_eq!(lock.replacements[0].to, Path::new("../mod"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_over_a_broken_lock_file_names_it_and_leaves_it() {
    let dir = common::scratch_dir("init-broken");
    std::fs::write(dir.join("wippy.lock"), "directories: [oops\n").expect("lock written");
    let (err, code) = wippy(&dir, &["init"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("wippy.lock:"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("wippy.lock")).expect("still there"),
        "directories: [oops\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
