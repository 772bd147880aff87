//! Registry versions from Rust: change sets make versions, going back and applying again
//! branches, refused change sets change nothing, and entries built from data are checked
//! as definition-file entries are.

use std::path::Path;

use wippy_runtime::payload::{Map, Payload};
use wippy_runtime::registry::{
    Change, ChangeError, Entry, EntryConfig, EntryId, LuaSource, Registry, Versions, parse_file,
};

const BOOT: &str = r#"
version: "1.0"
namespace: app
entries:
  - name: processes
    kind: process.host
  - name: lib
    kind: library.lua
    source: "return {}"
  - name: tool.a
    kind: registry.entry
    meta: {type: tool}
"#;

fn boot() -> Versions {
    let entries = parse_file(Path::new("src/_index.yaml"), BOOT).expect("boot registry parses");
    Versions::new(Registry::from_entries(entries).expect("boot registry checks"))
}

fn id(text: &str) -> EntryId {
    text.parse().expect("an entry id")
}

fn fields(pairs: &[(&str, Payload)]) -> Map {
    pairs.iter().map(|(k, v)| (*k, v.clone())).collect::<Map>()
}

fn data_entry(name: &str) -> Entry {
    Entry::from_data(&id(name), "registry.entry", &Map::new(), &Map::new()).expect("entry")
}

fn function(name: &str, source: &str) -> Entry {
    let data = fields(&[
        ("source", Payload::from(source)),
        ("method", Payload::from("main")),
    ]);
    Entry::from_data(&id(name), "function.lua", &Map::new(), &data).expect("function entry")
}

#[test]
fn change_sets_make_numbered_versions_and_going_back_branches() {
    let versions = boot();
    // The registry booted with is version 1, made from version 0, the empty registry, as
    // the original's boot applies the loaded entries to its empty root version.
    let booted = versions.current_version();
    assert_eq!(
        (booted.id, booted.previous, booted.next),
        (1, Some(0), None)
    );
    let root = versions.version(0).expect("v0 recorded");
    assert_eq!((root.previous, root.next), (None, Some(1)));
    assert_eq!(versions.registry_at(0).expect("v0 kept").iter().count(), 0);

    let v2 = versions
        .apply(&[Change::Create(data_entry("app:tool.b"))])
        .expect("create applies");
    assert_eq!((v2.id, v2.previous), (2, Some(1)));
    assert!(versions.current().get_str("app:tool.b").is_some());
    let v3 = versions
        .apply(&[Change::Delete(id("app:tool.a"))])
        .expect("delete applies");
    assert_eq!(v3.id, 3);
    assert!(versions.current().get_str("app:tool.a").is_none());
    assert_eq!(versions.version(2).and_then(|v| v.next), Some(3));

    // Version 1 still holds what it held.
    let at1 = versions.registry_at(1).expect("v1 kept");
    assert!(at1.get_str("app:tool.a").is_some() && at1.get_str("app:tool.b").is_none());

    let (back, changes) = versions.apply_version(1).expect("back to v1");
    assert_eq!(back.id, 1);
    let ops: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c.op_name(), c.id().as_str()))
        .collect();
    assert_eq!(
        ops,
        [
            ("entry.create", "app:tool.a"),
            ("entry.delete", "app:tool.b")
        ]
    );
    assert_eq!(versions.current_version().id, 1);
    assert!(versions.current().get_str("app:tool.b").is_none());
    let v4 = versions
        .apply(&[Change::Create(data_entry("app:tool.c"))])
        .expect("create on the branch");
    assert_eq!((v4.id, v4.previous), (4, Some(1)));
    assert_eq!(versions.version(1).and_then(|v| v.next), Some(4));
    assert!(versions.current().get_str("app:tool.a").is_some());
    assert_eq!(
        versions.versions().iter().map(|v| v.id).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    assert!(matches!(
        versions.apply_version(9),
        Err(ChangeError::UnknownVersion(9))
    ));
}

#[test]
fn refused_change_sets_change_nothing() {
    let versions = boot();
    let refused = [
        (vec![], "no changes"),
        (
            vec![Change::Create(data_entry("app:tool.a"))],
            "app:tool.a already exists",
        ),
        (
            vec![Change::Update(data_entry("app:missing"))],
            "not found: app:missing",
        ),
        (
            vec![
                Change::Create(data_entry("app:tool.new")),
                Change::Delete(id("app:missing")),
            ],
            "not found: app:missing",
        ),
        (
            vec![Change::Create(
                Entry::from_data(
                    &id("app:token"),
                    "env.variable",
                    &Map::new(),
                    &fields(&[
                        ("variable", Payload::from("TOKEN")),
                        ("storage", Payload::from("app:os_env")),
                    ]),
                )
                .expect("an environment variable entry"),
            )],
            "(kind env.variable) cannot be changed",
        ),
        (
            vec![Change::Create(
                Entry::from_data(
                    &id("app:web"),
                    "http.service",
                    &Map::new(),
                    &fields(&[
                        ("addr", Payload::from(":8080")),
                        (
                            "lifecycle",
                            Payload::map([("auto_start", Payload::from(true))]),
                        ),
                    ]),
                )
                .expect("an http service entry"),
            )],
            "(kind http.service) cannot be changed",
        ),
    ];
    for (changes, needle) in &refused {
        let err = versions.apply(changes).expect_err("refused");
        assert!(err.to_string().contains(needle), "{err} lacks {needle:?}");
    }
    // An entry whose import names a missing library: the loader's reference check.
    let data = fields(&[
        ("source", Payload::from("return {main = function() end}")),
        ("method", Payload::from("main")),
        (
            "imports",
            Payload::map([("l", Payload::from("app:no_lib"))]),
        ),
    ]);
    let importer = Entry::from_data(&id("app:f"), "function.lua", &Map::new(), &data)
        .expect("the entry itself is well formed");
    let err = versions
        .apply(&[Change::Create(importer)])
        .expect_err("dangling import refused");
    assert!(matches!(err, ChangeError::Invalid(_)), "{err}");
    assert!(err.to_string().contains("app:no_lib"), "{err}");

    // Only the empty root and the booted registry: nothing was made.
    assert_eq!(versions.versions().len(), 2);
    assert_eq!(versions.current_version().id, 1);
    assert!(versions.current().get_str("app:tool.new").is_none());
    // Deleting a library nothing imports is fine, and so is deleting a host, which the
    // runtime then stops (`Runtime::apply_registry_changes`).
    versions
        .apply(&[Change::Delete(id("app:lib"))])
        .expect("delete of the library");
    versions
        .apply(&[Change::Delete(id("app:processes"))])
        .expect("delete of the host");
}

#[test]
fn entries_from_data_are_typed_and_checked_like_definition_files() {
    let f = function("app:f", "return {main = function() return 1 end}");
    let EntryConfig::Lua(config) = f.config() else {
        panic!("a function.lua entry is typed as Lua: {:?}", f.config());
    };
    assert!(matches!(&config.source, LuaSource::Inline(code) if code.starts_with(b"return")));
    // Each entry built gets its own revision, so compiled forms are not mixed up.
    let again = function("app:f", "return {main = function() return 2 end}");
    assert_ne!(f.revision(), again.revision());
    assert_eq!(f.clone().revision(), f.revision());

    let no_source = Entry::from_data(
        &id("app:g"),
        "function.lua",
        &Map::new(),
        &fields(&[("method", Payload::from("main"))]),
    )
    .expect_err("a function needs source");
    let text = no_source.to_string();
    assert!(
        text.starts_with("registry change: entry app:g: ") && text.contains("source"),
        "{text}"
    );

    for (data, needle) in [
        (fields(&[("kind", Payload::from("x"))]), "\"kind\""),
        (
            fields(&[("source", Payload::from("file://x.lua"))]),
            "file://x.lua",
        ),
        (
            fields(&[("blob", Payload::string([0xff, 0xfe]))]),
            "not UTF-8",
        ),
    ] {
        let err = Entry::from_data(&id("app:h"), "registry.entry", &Map::new(), &data)
            .expect_err("refused");
        assert!(err.to_string().contains(needle), "{err} lacks {needle}");
    }

    let service = Entry::from_data(
        &id("app:svc"),
        "process.service",
        &Map::new(),
        &fields(&[
            ("process", Payload::from("f")),
            ("host", Payload::from("processes")),
        ]),
    )
    .expect("a service entry is well formed");
    // A service may be created (the runtime then runs it), once what it names exists.
    let err = boot()
        .apply(&[Change::Create(service.clone())])
        .expect_err("the service's process does not exist");
    assert!(matches!(&err, ChangeError::Invalid(_)), "{err}");
    assert!(err.to_string().contains("app:f"), "{err}");
    let versions = boot();
    versions
        .apply(&[
            Change::Create(function("app:f", "return {main = function() end}")),
            Change::Create(service),
        ])
        .expect("a service with its process");
    assert!(versions.current().get_str("app:svc").is_some());
}

#[test]
fn an_entry_check_refuses_the_whole_change_set() {
    let entries = parse_file(Path::new("src/_index.yaml"), BOOT).expect("boot registry parses");
    let runtime =
        wippy_runtime::Runtime::new(Registry::from_entries(entries).expect("boot registry checks"));
    runtime.add_entry_check(std::sync::Arc::new(|entry: &Entry| match entry.config() {
        EntryConfig::Lua(config)
            if config
                .source
                .code()
                .is_some_and(|code| code.windows(6).any(|w| w == b"broken")) =>
        {
            Err(format!("{}:1: broken code", entry.id()))
        }
        _ => Ok(()),
    }));

    let first = runtime
        .apply_registry_changes(&[Change::Create(function("app:good", "return {}"))])
        .expect("an entry that passes the check applies");
    let refused = runtime.apply_registry_changes(&[
        Change::Create(function("app:also_good", "return {}")),
        Change::Update(function("app:good", "broken")),
    ]);
    let Err(error @ ChangeError::Refused { .. }) = refused else {
        panic!("a set with a refused entry applied: {refused:?}");
    };
    assert_eq!(
        error.to_string(),
        "entry app:good refused: app:good:1: broken code"
    );
    let registry = runtime.registry();
    assert!(registry.get(&id("app:also_good")).is_none());
    let good = registry.get(&id("app:good")).expect("the good entry stays");
    let EntryConfig::Lua(config) = good.config() else {
        panic!("not a Lua entry");
    };
    assert_eq!(config.source, LuaSource::Inline("return {}".into()));
    assert_eq!(runtime.registry_versions().current_version().id, first.id);
    // Deletes are not checked.
    runtime
        .apply_registry_changes(&[Change::Delete(id("app:good"))])
        .expect("a delete applies");
}
