use super::{EnvError, Environment, StorageError};
use crate::registry::{Registry, parse_file};
use std::path::Path;

fn load(text: &str) -> Result<Registry, String> {
    let entries = parse_file(Path::new("_index.yaml"), text).map_err(|e| e.to_string())?;
    Registry::from_entries(entries).map_err(|e| e.to_string())
}

fn environment(text: &str) -> Environment {
    Environment::from_registry(&load(text).expect("registry loads"))
}

const BASE: &str = r#"
version: "1.0"
namespace: app
entries:
  - {name: memory, kind: env.storage.memory}
  - {name: os, kind: env.storage.os}
  - {name: fixed, kind: env.storage.static, values: {GREETING: hello, EMPTY: ""}}
  - {name: router, kind: env.storage.router, storages: [memory, os]}
  - {name: TOKEN, kind: env.variable, storage: memory}
  - {name: with_default, kind: env.variable, variable: LEVEL, storage: memory, default: info}
  - {name: locked, kind: env.variable, variable: LOCKED, storage: memory, readonly: true}
  - {name: path, kind: env.variable, variable: PATH, storage: os}
  - {name: greeting, kind: env.variable, variable: GREETING, storage: fixed}
  - {name: empty, kind: env.variable, variable: EMPTY, storage: fixed, default: fallback}
  - {name: routed, kind: env.variable, variable: ROUTED, storage: router}
  - {name: routed_path, kind: env.variable, variable: HOME, storage: router}
"#;

#[test]
fn memory_variables_are_set_and_read_back() {
    let env = environment(BASE);
    // Without `variable:`, the name is the entry id, found from the entry's namespace.
    let app = Some("app");
    assert_eq!(
        env.get("TOKEN", app),
        Err(EnvError::NotFound("TOKEN".into()))
    );
    env.set("TOKEN", "abc", app).unwrap();
    assert_eq!(env.get("TOKEN", app).unwrap(), "abc");
    assert_eq!(env.get("app:TOKEN", None).unwrap(), "abc");
    assert_eq!(env.all().get("app:TOKEN").map(String::as_str), Some("abc"));
    env.set("TOKEN", "def", app).unwrap();
    assert_eq!(env.get("TOKEN", app).unwrap(), "def");
    assert_eq!(
        env.get("TOKEN", None),
        Err(EnvError::NotFound("TOKEN".into()))
    );
}

#[test]
fn defaults_fill_missing_and_empty_values() {
    let env = environment(BASE);
    assert_eq!(env.get("LEVEL", None).unwrap(), "info");
    env.set("LEVEL", "debug", None).unwrap();
    assert_eq!(env.get("LEVEL", None).unwrap(), "debug");
    // An empty value counts as none, as in the original.
    env.set("LEVEL", "", None).unwrap();
    assert_eq!(env.get("LEVEL", None).unwrap(), "info");
    assert_eq!(env.get("EMPTY", None).unwrap(), "fallback");
}

#[test]
fn read_only_variables_and_storages_refuse_writes() {
    let env = environment(BASE);
    assert_eq!(
        env.set("LOCKED", "x", None),
        Err(EnvError::ReadOnly("LOCKED".into()))
    );
    assert!(matches!(
        env.set("PATH", "x", None),
        Err(EnvError::Storage {
            source: StorageError::ReadOnly,
            ..
        })
    ));
    assert!(matches!(
        env.set("GREETING", "x", None),
        Err(EnvError::Storage {
            source: StorageError::ReadOnly,
            ..
        })
    ));
    assert_eq!(env.get("GREETING", None).unwrap(), "hello");
}

#[test]
fn the_os_storage_reads_the_process_environment() {
    let env = environment(BASE);
    assert_eq!(
        env.get("PATH", None).ok(),
        std::env::var("PATH").ok().filter(|p| !p.is_empty())
    );
    assert_eq!(env.all().get("PATH"), std::env::var("PATH").ok().as_ref());
}

#[test]
fn a_router_reads_in_order_and_writes_to_its_first_storage() {
    let env = environment(BASE);
    if let Ok(home) = std::env::var("HOME") {
        if !home.is_empty() {
            assert_eq!(env.get("HOME", None).unwrap(), home);
        }
    }
    env.set("ROUTED", "through", None).unwrap();
    assert_eq!(env.get("ROUTED", None).unwrap(), "through");
    let all = env.all();
    assert_eq!(all.get("ROUTED").map(String::as_str), Some("through"));
    assert_eq!(all.get("GREETING").map(String::as_str), Some("hello"));
}

#[test]
fn names_are_found_by_variable_then_by_id_in_the_callers_namespace() {
    let env = environment(BASE);
    env.set("LEVEL", "warn", None).unwrap();
    assert_eq!(env.get("app:with_default", None).unwrap(), "warn");
    assert_eq!(env.get("with_default", Some("app")).unwrap(), "warn");
    assert_eq!(
        env.get("with_default", Some("other")),
        Err(EnvError::NotFound("with_default".into()))
    );
    assert_eq!(
        env.get("NOT_DECLARED", Some("app")),
        Err(EnvError::NotFound("NOT_DECLARED".into()))
    );
}

#[test]
fn a_file_storage_keeps_its_lines_and_comments() {
    let dir = std::env::temp_dir().join(format!("wippy-env-file-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("sub/app.env");
    let text = format!(
        "version: \"1.0\"\nnamespace: app\nentries:\n  - {{name: file, kind: env.storage.file, file_path: {:?}, auto_create: true}}\n  - {{name: a, kind: env.variable, variable: A, storage: file}}\n  - {{name: b, kind: env.variable, variable: B, storage: file}}\n",
        path.display().to_string()
    );
    let env = environment(&text);
    assert_eq!(env.get("A", None), Err(EnvError::NotFound("A".into())));
    env.set("A", "1", None).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "A=1\n");
    std::fs::write(&path, "# settings\nA=1 # first\n\nB = two\n").unwrap();
    env.set("A", "3", None).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# settings\nA=3 # first\n\nB = two\n"
    );
    assert_eq!(env.get("A", None).unwrap(), "3");
    assert_eq!(env.get("B", None).unwrap(), "two");
    assert_eq!(env.all().get("B").map(String::as_str), Some("two"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_storage_without_auto_create_reports_the_missing_file() {
    let path = std::env::temp_dir().join(format!("wippy-env-absent-{}.env", std::process::id()));
    let text = format!(
        "version: \"1.0\"\nnamespace: app\nentries:\n  - {{name: file, kind: env.storage.file, file_path: {:?}}}\n  - {{name: a, kind: env.variable, variable: A, storage: file}}\n",
        path.display().to_string()
    );
    let env = environment(&text);
    match env.set("A", "1", None) {
        Err(EnvError::Storage {
            source: StorageError::File { path: p, .. },
            ..
        }) => assert_eq!(p, path.display().to_string()),
        other => panic!("{other:?}"),
    }
    assert!(!path.exists());
}

#[test]
fn a_file_storage_on_a_fifo_is_an_error_not_a_wait() {
    let path = std::env::temp_dir().join(format!("wippy-env-fifo-{}.env", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    if !made.is_ok_and(|s| s.success()) {
        // No `mkfifo` here: a directory stands for what is no regular file.
        std::fs::create_dir_all(&path).unwrap();
    }
    let text = format!(
        "version: \"1.0\"\nnamespace: app\nentries:\n  - {{name: file, kind: env.storage.file, file_path: {:?}}}\n  - {{name: a, kind: env.variable, variable: A, storage: file}}\n",
        path.display().to_string()
    );
    let env = environment(&text);
    // Opening a FIFO for reading waits for a writer: without the check, this never returns.
    match env.get("A", None) {
        Err(EnvError::Storage {
            source: StorageError::File { message, .. },
            ..
        }) => assert!(message.contains("not a regular file"), "{message}"),
        other => panic!("{other:?}"),
    }
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_dir(&path);
}

fn load_error(entries: &str) -> String {
    let text = format!("version: \"1.0\"\nnamespace: app\nentries:\n{entries}");
    load(&text).expect_err("the registry is refused")
}

#[test]
fn bad_environment_entries_are_refused_with_entry_field_and_line() {
    let err = load_error(
        "  - {name: host, kind: process.host}\n  - {name: v, kind: env.variable, storage: host}\n",
    );
    assert!(err.contains("_index.yaml:5"), "{err}");
    assert!(err.contains("entry app:v"), "{err}");
    assert!(err.contains("field \"storage\""), "{err}");
    assert!(err.contains("env.storage entry"), "{err}");

    let err = load_error(
        "  - {name: m, kind: env.storage.memory}\n  - {name: a, kind: env.variable, variable: X, storage: m}\n  - {name: b, kind: env.variable, variable: X, storage: m}\n",
    );
    assert!(err.contains("entry app:b"), "{err}");
    assert!(err.contains("app:a takes it"), "{err}");

    let err = load_error(
        "  - {name: v, kind: env.variable, variable: BAD-NAME, storage: m}\n  - {name: m, kind: env.storage.memory}\n",
    );
    assert!(err.contains("field \"variable\""), "{err}");
    assert!(err.contains("BAD-NAME"), "{err}");

    let err = load_error("  - {name: v, kind: env.variable}\n");
    assert!(err.contains("field \"storage\": missing"), "{err}");

    let err = load_error(
        "  - {name: r1, kind: env.storage.router, storages: [r2]}\n  - {name: r2, kind: env.storage.router, storages: [r1]}\n",
    );
    assert!(err.contains("entry app:r1"), "{err}");
    assert!(err.contains("route back"), "{err}");

    let err = load_error("  - {name: r, kind: env.storage.router}\n");
    assert!(err.contains("field \"storages\": missing"), "{err}");

    let err = load_error("  - {name: r, kind: env.storage.router, storages: []}\n");
    assert!(err.contains("at least one env.storage entry"), "{err}");

    let err = load_error("  - {name: r, kind: env.storage.router, storages: [nowhere]}\n");
    assert!(err.contains("app:nowhere"), "{err}");

    let err = load_error("  - {name: f, kind: env.storage.file}\n");
    assert!(err.contains("field \"file_path\": missing"), "{err}");

    let err =
        load_error("  - {name: f, kind: env.storage.file, file_path: x.env, file_mode: 99999}\n");
    assert!(err.contains("file_mode"), "{err}");

    let err = load_error("  - {name: s, kind: env.storage.static, values: {A: [1]}}\n");
    assert!(err.contains("field \"values\""), "{err}");
}
