//! Entry overrides (`wippy run -o ns:entry:field=value`) applied by the loader: the
//! value lands in the entry before it is checked, and every way an override can be
//! wrong is a load error naming the flag, the entry and the field.

use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use wippy_runtime::payload::Payload;
use wippy_runtime::registry::{LoadErrorKind, LoadErrors, Override, Registry};

/// A fresh directory holding one definition file, removed on drop.
struct Defs(PathBuf);

impl Defs {
    fn new(text: &str) -> Defs {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("wippy-overrides-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("_index.yaml"), text).unwrap();
        fs::write(
            dir.join("main.lua"),
            "return { main = function() return 0 end }\n",
        )
        .unwrap();
        Defs(dir)
    }

    fn load(&self, flags: &[&str]) -> Result<Registry, LoadErrors> {
        let overrides: Vec<Override> = flags
            .iter()
            .map(|f| Override::parse(f).expect("a valid flag"))
            .collect();
        Registry::load_dirs_with(&[&self.0], &overrides)
    }
}

impl Drop for Defs {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

const DEFS: &str = "version: \"1.0\"
namespace: app
entries:
  - name: processes
    kind: process.host
  - name: main
    kind: process.lua
    source: file://main.lua
    method: main
    meta:
      port: 8080
  - name: settings
    kind: registry.entry
    data:
      mode: slow
";

#[test]
fn overrides_set_fields_nested_fields_and_data_fields() {
    let defs = Defs::new(DEFS);
    let registry = defs
        .load(&[
            "app:main:meta.port=9090",
            "app:main:meta.tls.enabled=true",
            "app:processes:lifecycle.auto_start=true",
            "app:settings:mode=fast",
            "app:settings:ratio=0.5",
        ])
        .expect("loads");
    let main = registry.get_str("app:main").expect("app:main");
    assert_eq!(main.meta().get("port"), Some(&Payload::Int(9090)));
    let tls = main.meta().get("tls").expect("meta.tls made");
    assert_eq!(tls.get("enabled"), Some(&Payload::Bool(true)));
    let processes = registry.get_str("app:processes").expect("app:processes");
    assert!(
        processes.lifecycle().is_some_and(|l| l.auto_start),
        "typed config sees it"
    );
    let settings = registry.get_str("app:settings").expect("app:settings");
    assert_eq!(
        settings.field("mode").and_then(Payload::as_str),
        Some("fast")
    );
    assert_eq!(settings.field("ratio"), Some(&Payload::Float(0.5)));
    // Without overrides, the file's own values.
    let plain = defs.load(&[]).expect("loads");
    let main = plain.get_str("app:main").expect("app:main");
    assert_eq!(main.meta().get("port"), Some(&Payload::Int(8080)));
}

#[test]
fn an_override_for_no_entry_is_a_load_error_naming_the_flag() {
    let defs = Defs::new(DEFS);
    let errors = defs
        .load(&["app:nope:meta.x=1"])
        .expect_err("no such entry");
    let e = &errors.as_slice()[0];
    assert!(
        matches!(e.kind(), LoadErrorKind::UnmatchedOverride(_)),
        "{e}"
    );
    assert_eq!(e.entry(), Some("app:nope"));
    assert_eq!(
        e.to_string(),
        "-o: entry app:nope: the override \"app:nope:meta.x=1\" names an entry no loaded file defines"
    );
}

#[test]
fn a_bad_overridden_value_is_reported_as_the_entrys_field() {
    let defs = Defs::new(DEFS);
    let errors = defs
        .load(&["app:processes:lifecycle.auto_start=often"])
        .expect_err("not a boolean");
    let e = &errors.as_slice()[0];
    assert_eq!(e.entry(), Some("app:processes"));
    assert_eq!(e.field(), Some("lifecycle.auto_start"), "{e}");
    assert!(e.to_string().contains("_index.yaml:4:"), "{e}");
}

#[test]
fn a_field_path_through_a_value_that_is_not_a_map_is_refused() {
    let defs = Defs::new(DEFS);
    let errors = defs
        .load(&["app:main:meta.port.number=1"])
        .expect_err("meta.port is an integer");
    let text = errors.as_slice()[0].to_string();
    assert!(
        text.contains("entry app:main: field \"meta.port\": expected a map, for the override \"app:main:meta.port.number=1\", found an integer"),
        "{text}"
    );
}
