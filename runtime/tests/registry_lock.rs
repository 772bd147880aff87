//! Reading `wippy.lock`.

use std::path::Path;

use wippy_runtime::registry::{LoadErrorKind, LockFile};

#[test]
fn full_lock_file() {
    let text = "directories: {modules: .mods, src: ./app}\nmodules:\n  - {name: wippy/http, version: v1.2.0, hash: sha256abc, local_hash: def}\nreplacements:\n  - {from: wippy/http, to: ../http}\noptions: {unpack_modules: true}\n";
    let lock = LockFile::parse(Path::new("wippy.lock"), text).unwrap();
    assert_eq!(lock.directories.src, Path::new("./app"));
    assert_eq!(lock.directories.modules, Path::new(".mods"));
    assert_eq!(lock.modules.len(), 1);
    assert_eq!(lock.modules[0].name, "wippy/http");
    assert_eq!(lock.modules[0].version, "v1.2.0");
    assert_eq!(lock.modules[0].hash.as_deref(), Some("sha256abc"));
    assert_eq!(lock.replacements[0].to, Path::new("../http"));
    assert!(lock.unpack_modules);
    assert_eq!(lock.src_dir(Path::new("/proj")), Path::new("/proj/./app"));
    assert_eq!(
        lock.modules_dir(Path::new("/proj")),
        Path::new("/proj/.mods")
    );
}

#[test]
fn defaults() {
    let lock = LockFile::parse(Path::new("wippy.lock"), "").unwrap();
    assert_eq!(lock, LockFile::default());
    assert_eq!(lock.directories.src, Path::new("./src"));
    let lock = LockFile::parse(Path::new("wippy.lock"), "directories: {src: code}\n").unwrap();
    assert_eq!(lock.directories.src, Path::new("code"));
    assert_eq!(lock.directories.modules, Path::new(".wippy"));
}

#[test]
fn errors() {
    let errors = LockFile::parse(
        Path::new("wippy.lock"),
        "directories: [src]\nmodules:\n  - {name: a}\n",
    )
    .unwrap_err();
    let msgs: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        msgs,
        [
            "wippy.lock:1: field \"directories\": expected a map, found a list",
            "wippy.lock:3: field \"modules[0].version\": missing, expected a string",
        ]
    );
    let errors = LockFile::parse(Path::new("wippy.lock"), "directories: {src: [\n").unwrap_err();
    assert!(matches!(
        errors.as_slice()[0].kind(),
        LoadErrorKind::Syntax(_)
    ));
    let errors = LockFile::read(Path::new("/nonexistent/wippy.lock")).unwrap_err();
    assert!(matches!(errors.as_slice()[0].kind(), LoadErrorKind::Io(_)));
}

#[test]
fn written_lock_files_read_back_the_same() {
    let text = "directories: {modules: .mods, src: \"./my app\"}\nmodules:\n  - {name: wippy/http, version: v1.2.0, hash: sha256abc, local_hash: def}\n  - {name: \"odd \\\"name\\\"\\\\x\", version: \"v2\\tb\"}\nreplacements:\n  - {from: wippy/http, to: ../http}\noptions: {unpack_modules: true}\n";
    let mut lock = LockFile::parse(Path::new("wippy.lock"), text).unwrap();
    assert_eq!(lock.modules[1].name, "odd \"name\"\\x");
    // Text that would read back as something else when written plain.
    for (name, version) in [("yes", "1.0"), ("-x", "2"), ("", "~"), ("a: b", "#c")] {
        let mut module = lock.modules[0].clone();
        module.name = name.to_owned();
        module.version = version.to_owned();
        lock.modules.push(module);
    }
    let written = lock.to_yaml().unwrap();
    assert_eq!(
        LockFile::parse(Path::new("wippy.lock"), &written).unwrap(),
        lock,
        "{written}"
    );
    let plain = LockFile::default();
    assert_eq!(
        plain.to_yaml().unwrap(),
        "directories:\n  modules: .wippy\n  src: ./src\n"
    );
    assert_eq!(
        LockFile::parse(Path::new("wippy.lock"), &plain.to_yaml().unwrap()).unwrap(),
        plain
    );
}
