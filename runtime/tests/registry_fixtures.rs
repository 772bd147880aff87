//! The tutorials' `_index.yaml` files load, with the shapes the runtime expects.

use std::path::{Path, PathBuf};
use std::time::Duration;

use wippy_runtime::payload::Payload;
use wippy_runtime::registry::{
    EntryConfig, LockFile, LuaKind, LuaSource, Registry, RestartPolicy, parse_file,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A directory of the workspace's `examples/` (the echo tutorial, verbatim).
fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
}

#[test]
fn echo_service_loads() {
    let registry = Registry::load_dir(&example("echo-service/src")).expect("loads");
    let ids: Vec<&str> = registry.iter().map(|e| e.id().as_str()).collect();
    assert_eq!(
        ids,
        [
            "app:terminal",
            "app:processes",
            "app:cli",
            "app:relay",
            "app:relay-service",
            "app:worker"
        ]
    );

    let terminal = registry.get_str("app:terminal").unwrap();
    assert!(matches!(terminal.config(), EntryConfig::TerminalHost(t) if !t.hide_logs));
    assert!(terminal.lifecycle().unwrap().auto_start);

    let processes = registry.get_str("app:processes").unwrap();
    let EntryConfig::ProcessHost(host) = processes.config() else {
        panic!("process.host")
    };
    assert_eq!(host.workers, None);
    assert_eq!(host.queue_size, 1024);
    assert_eq!(host.local_queue_size, 256);
    assert!(host.workers_or_default() >= 1);

    let relay = registry.get_str("app:relay").unwrap();
    let EntryConfig::Lua(lua) = relay.config() else {
        panic!("process.lua")
    };
    assert_eq!(lua.kind, LuaKind::Process);
    assert!(!lua.bytecode);
    assert_eq!(lua.method.as_deref(), Some("main"));
    assert_eq!(lua.modules, ["process", "logger", "channel", "time"]);
    let LuaSource::File { path, content } = &lua.source else {
        panic!("file source")
    };
    assert!(path.ends_with("echo-service/src/relay.lua"));
    let code = std::str::from_utf8(content.as_ref().unwrap()).unwrap();
    assert!(code.contains("process.registry.register(\"relay\")"));
    // The data holds the file's contents in place of the file:// value.
    assert_eq!(relay.field("source").and_then(Payload::as_str), Some(code));
    assert_eq!(relay.includes().len(), 1);
    assert_eq!(relay.includes()[0].field(), "source");

    let service = registry.get_str("app:relay-service").unwrap();
    let EntryConfig::ProcessService(svc) = service.config() else {
        panic!("process.service")
    };
    assert_eq!(svc.process.as_str(), "app:relay");
    assert_eq!(svc.host.as_str(), "app:processes");
    assert!(svc.input.is_empty());
    let lc = service.lifecycle().unwrap();
    assert!(lc.auto_start);
    assert_eq!(lc.stop_timeout, Duration::from_secs(10));
    assert_eq!(lc.restart, RestartPolicy::default());
    let targets: Vec<&str> = service
        .references()
        .iter()
        .map(|r| r.target().as_str())
        .collect();
    assert_eq!(targets, ["app:relay", "app:processes"]);
    assert_eq!(service.location().line(), 35);

    assert_eq!(registry.of_kind("process.lua").count(), 3);
}

#[test]
fn http_spawn_loads() {
    let registry = Registry::load_dir(&fixture("http-spawn/src")).expect("loads");
    assert_eq!(registry.len(), 6);
    let EntryConfig::ProcessHost(host) = registry.get_str("app:processes").unwrap().config() else {
        panic!("process.host")
    };
    assert_eq!(host.workers.map(|w| w.get()), Some(8));

    let gateway = registry.get_str("app:gateway").unwrap();
    assert!(matches!(gateway.config(), EntryConfig::Other));
    assert_eq!(
        gateway.field("addr").and_then(Payload::as_str),
        Some(":8080")
    );
    assert!(gateway.lifecycle().unwrap().auto_start);

    let router = registry.get_str("app:router").unwrap();
    assert_eq!(
        router.meta().get("server").and_then(Payload::as_str),
        Some("app:gateway")
    );
    assert_eq!(router.references()[0].field(), "meta.server");

    let handler = registry.get_str("app:submit_task").unwrap();
    let EntryConfig::Lua(lua) = handler.config() else {
        panic!("function.lua")
    };
    assert_eq!(lua.kind, LuaKind::Function);
    assert_eq!(lua.method.as_deref(), Some("handler"));
    assert!(lua.source.code().is_some());

    let endpoint = registry.get_str("app:submit_task.endpoint").unwrap();
    assert_eq!(endpoint.id().name(), "submit_task.endpoint");
    assert_eq!(
        endpoint.field("method").and_then(Payload::as_str),
        Some("POST")
    );
    let targets: Vec<(&str, &str)> = endpoint
        .references()
        .iter()
        .map(|r| (r.field(), r.target().as_str()))
        .collect();
    assert_eq!(
        targets,
        [("func", "app:submit_task"), ("meta.router", "app:router")]
    );
}

#[test]
fn lock_files_of_the_fixtures() {
    for dir in [example("echo-service"), fixture("http-spawn")] {
        let (path, lock) = LockFile::find_and_read(&dir)
            .unwrap()
            .expect("has a lock file");
        assert_eq!(lock.directories.src, Path::new("./src"));
        assert_eq!(lock.directories.modules, Path::new(".wippy"));
        let registry = Registry::load_from_lock(&path, &lock).unwrap();
        assert!(registry.get_str("app:processes").is_some());
    }
    assert!(LockFile::find(&example("echo-service/src")).is_none());
    assert!(
        LockFile::find_and_read(&example("echo-service/src"))
            .unwrap()
            .is_none()
    );
}

#[test]
fn parse_file_leaves_includes_unread() {
    let path = example("echo-service/src/_index.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let entries = parse_file(&path, &text).unwrap();
    assert_eq!(entries.len(), 6);
    let cli = entries
        .iter()
        .find(|e| e.id().as_str() == "app:cli")
        .unwrap();
    assert_eq!(
        cli.field("source").and_then(Payload::as_str),
        Some("file://cli.lua")
    );
    assert_eq!(cli.includes()[0].content(), None);
    let EntryConfig::Lua(lua) = cli.config() else {
        panic!("lua")
    };
    assert!(matches!(&lua.source, LuaSource::File { content: None, .. }));
}
