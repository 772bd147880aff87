//! Loader errors: each names file, line, entry and field, and they are all collected.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use wippy_runtime::registry::{
    EntryConfig, LoadErrorKind, LoadErrors, ProcessHost, Registry, Startup, load_file, parse_file,
};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("wippy-registry-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn parse_err(text: &str) -> LoadErrors {
    parse_file(Path::new("src/_index.yaml"), text).expect_err("should fail")
}

fn messages(errors: &LoadErrors) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

const HEAD: &str = "version: \"1.0\"\nnamespace: app\nentries:\n";

#[test]
fn broken_yaml_names_file_and_line() {
    let errors = parse_err("namespace: app\nentries:\n  - name: a\n    kind: [x\n  - name: b\n");
    assert_eq!(errors.len(), 1);
    let e = &errors.as_slice()[0];
    assert!(matches!(e.kind(), LoadErrorKind::Syntax(_)));
    assert_eq!(e.path(), Path::new("src/_index.yaml"));
    assert!(e.line().is_some_and(|l| l >= 4), "{e}");
    assert!(e.to_string().starts_with("src/_index.yaml:"), "{e}");
}

#[test]
fn missing_kind_and_name() {
    let errors = parse_err(&format!(
        "{HEAD}  - name: a\n  - kind: process.lua\n    source: x\n"
    ));
    let msgs = messages(&errors);
    assert_eq!(
        msgs,
        [
            "src/_index.yaml:4: entry app:a: field \"kind\": missing, expected the entry kind, a string such as process.lua",
            "src/_index.yaml:5: entry entries[1]: field \"name\": missing, expected the entry name, a string",
        ]
    );
}

#[test]
fn wrong_type_of_reference_field() {
    let text = format!(
        "{HEAD}  - name: relay\n    kind: process.lua\n    source: x\n  - name: svc\n    kind: process.service\n    process: [relay]\n    host: app:processes\n"
    );
    let errors = parse_err(&text);
    assert_eq!(
        messages(&errors),
        [
            "src/_index.yaml:9: entry app:svc: field \"process\": expected an entry id string, found a list"
        ]
    );
    let e = &errors.as_slice()[0];
    assert_eq!(e.entry(), Some("app:svc"));
    assert_eq!(e.field(), Some("process"));
    assert_eq!(e.line(), Some(9));
}

#[test]
fn errors_are_collected_across_entries_and_fields() {
    let text = format!(
        "{HEAD}  - name: h\n    kind: process.host\n    host: {{workers: -1, queue_size: lots}}\n  - name: s\n    kind: process.service\n    host: h\n    lifecycle:\n      auto_start: yes\n      stop_timeout: 5 minutes\n      startup: maybe\n      restart: {{jitter: 2, max_attempts: -3, initial_delay: [1]}}\n"
    );
    let errors = parse_err(&text);
    let msgs = messages(&errors);
    let expect = [
        "entry app:h: field \"host.workers\": expected a whole number from 0 (0: the default), found \"-1\"",
        "entry app:h: field \"host.queue_size\": expected a whole number from 0 (0: the default), found a string",
        "entry app:s: field \"process\": missing",
        "entry app:s: field \"lifecycle.auto_start\": expected a boolean (true or false), found a string",
        // The value as written, quoted alone; why it is no duration beside what is wanted.
        "entry app:s: field \"lifecycle.stop_timeout\": expected a duration such as \"5s\", \"100ms\", \"1h30m\" or a number of seconds (unknown unit (expected ns, us, ms, s, m, h)), found \"5 minutes\"",
        "entry app:s: field \"lifecycle.startup\": expected \"required\" or \"optional\", found \"maybe\"",
        "entry app:s: field \"lifecycle.restart.initial_delay\": expected a duration",
        "entry app:s: field \"lifecycle.restart.jitter\": expected a fraction between 0 and 1",
        "entry app:s: field \"lifecycle.restart.max_attempts\": expected a count from 0",
    ];
    assert_eq!(msgs.len(), expect.len(), "{msgs:#?}");
    for want in expect {
        assert!(
            msgs.iter().any(|m| m.contains(want)),
            "no {want:?} in {msgs:#?}"
        );
    }
}

#[test]
fn a_misspelt_lifecycle_field_is_an_error() {
    let text = format!(
        "{HEAD}  - name: h\n    kind: process.host\n    lifecycle:\n      auto_strat: true\n      restart: {{max_attempt: 3}}\n"
    );
    let errors = parse_err(&text);
    let msgs = messages(&errors);
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert!(
        msgs[0].contains("entry app:h: field \"lifecycle.auto_strat\": not a field of this block (it has auto_start, ")
            && msgs[1].contains("entry app:h: field \"lifecycle.restart.max_attempt\": not a field of this block (it has initial_delay, max_delay, backoff_factor, jitter, max_attempts)"),
        "{msgs:#?}"
    );
    assert_eq!(errors.as_slice()[0].line(), Some(7));
}

#[test]
fn zero_host_sizes_mean_the_defaults() {
    let text = format!(
        "{HEAD}  - name: h\n    kind: process.host\n    host: {{workers: 0, queue_size: 0, local_queue_size: 0}}\n  - name: k\n    kind: process.host\n    host: {{workers: 3, queue_size: 10, local_queue_size: 20}}\n"
    );
    let entries = parse_file(Path::new("x.yaml"), &text).unwrap();
    let hosts: Vec<&ProcessHost> = entries
        .iter()
        .map(|e| match e.config() {
            EntryConfig::ProcessHost(h) => h,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(hosts[0], &ProcessHost::default());
    assert_eq!(hosts[0].workers, None);
    assert_eq!(hosts[1].workers_or_default(), 3);
    assert_eq!((hosts[1].queue_size, hosts[1].local_queue_size), (10, 20));
}

#[test]
fn lifecycle_values_are_read() {
    let text = format!(
        "{HEAD}  - name: s\n    kind: process.service\n    process: p\n    host: h\n    input: [1, two, {{x: 3}}]\n    lifecycle:\n      auto_start: true\n      stop_timeout: 1h30m\n      start_timeout: 2.5\n      stable_threshold: 0\n      startup: optional\n      depends_on: [a, other:b]\n      requires: [a, c]\n      security: {{groups: [admin]}}\n      restart: {{initial_delay: 100ms, max_delay: 5s, backoff_factor: 1.5, jitter: 0.2, max_attempts: 4}}\n"
    );
    let entries = parse_file(Path::new("x.yaml"), &text).unwrap();
    let s = &entries[0];
    let EntryConfig::ProcessService(svc) = s.config() else {
        panic!("service")
    };
    assert_eq!(svc.process.as_str(), "app:p");
    assert_eq!(svc.host.as_str(), "app:h");
    assert_eq!(svc.input.len(), 3);
    assert_eq!(svc.input[1].as_str(), Some("two"));
    let lc = s.lifecycle().unwrap();
    use std::time::Duration;
    assert_eq!(lc.stop_timeout, Duration::from_secs(5400));
    assert_eq!(lc.start_timeout, Duration::from_millis(2500));
    assert_eq!(
        lc.stable_threshold,
        Duration::from_secs(5),
        "0 means default"
    );
    assert_eq!(lc.startup, Startup::Optional);
    let req: Vec<&str> = lc.requires.iter().map(|id| id.as_str()).collect();
    assert_eq!(req, ["app:a", "app:c", "other:b"]);
    assert!(lc.security.is_some());
    assert_eq!(lc.restart.initial_delay, Duration::from_millis(100));
    assert_eq!(lc.restart.max_delay, Duration::from_secs(5));
    assert_eq!(lc.restart.backoff_factor, 1.5);
    assert_eq!(lc.restart.jitter, 0.2);
    assert_eq!(lc.restart.max_attempts, 4);
}

#[test]
fn namespace_defaulting() {
    let text = "namespace: app.sub\nentries:\n  - name: s\n    kind: process.service\n    process: relay\n    host: other:processes\n    requires: [x]\n    depends_on: [y.z:w]\n    lifecycle: {depends_on: [q]}\n  - name: f\n    kind: function.lua\n    source: return {}\n    method: main\n    imports: {assert2: app.lib:assert, local: helpers}\n  - name: e\n    kind: http.endpoint\n    meta: {router: api}\n    func: handler\n  - name: d\n    kind: registry.entry\n    process: not-a-reference\n";
    let entries = parse_file(Path::new("x.yaml"), text).unwrap();
    let refs = |i: usize| -> Vec<(String, String)> {
        entries[i]
            .references()
            .iter()
            .map(|r| (r.field().to_owned(), r.target().to_string()))
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        refs(0),
        pairs(&[
            ("requires[0]", "app.sub:x"),
            ("depends_on[0]", "y.z:w"),
            ("lifecycle.depends_on[0]", "app.sub:q"),
            ("process", "app.sub:relay"),
            ("host", "other:processes"),
        ])
    );
    assert_eq!(
        entries[0].field("process").unwrap().as_str(),
        Some("app.sub:relay")
    );
    assert_eq!(
        entries[0].lifecycle().unwrap().requires[0].as_str(),
        "app.sub:q"
    );
    assert_eq!(
        refs(1),
        pairs(&[
            ("imports.assert2", "app.lib:assert"),
            ("imports.local", "app.sub:helpers")
        ])
    );
    let EntryConfig::Lua(lua) = entries[1].config() else {
        panic!("lua")
    };
    assert_eq!(lua.imports[1].1.as_str(), "app.sub:helpers");
    assert_eq!(lua.source.code().map(|c| &c[..]), Some(&b"return {}"[..]));
    assert_eq!(
        refs(2),
        pairs(&[("func", "app.sub:handler"), ("meta.router", "app.sub:api")])
    );
    assert_eq!(
        entries[2].meta().get("router").unwrap().as_str(),
        Some("app.sub:api")
    );
    // Unknown kinds keep their fields as written.
    assert!(refs(3).is_empty());
    assert_eq!(
        entries[3].field("process").unwrap().as_str(),
        Some("not-a-reference")
    );
}

#[test]
fn unknown_reference_and_duplicates_across_files() {
    let dir = TempDir::new();
    dir.write(
        "src/_index.yaml",
        "namespace: app\nentries:\n  - name: processes\n    kind: process.host\n  - name: svc\n    kind: process.service\n    process: missing\n    host: processes\n",
    );
    dir.write(
        "src/more/dup.yml",
        "namespace: app\nentries:\n  - {name: processes, kind: process.host}\n",
    );
    let errors = Registry::load_dir(&dir.0.join("src")).expect_err("should fail");
    let msgs = messages(&errors);
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    let src = dir.0.join("src");
    assert_eq!(
        msgs[0],
        format!(
            "{}:3: entry app:processes: entry id defined twice; first defined at {}:3",
            src.join("more/dup.yml").display(),
            src.join("_index.yaml").display()
        )
    );
    assert_eq!(
        msgs[1],
        format!(
            "{}:7: entry app:svc: field \"process\": refers to app:missing, which no loaded file defines",
            src.join("_index.yaml").display()
        )
    );
}

#[test]
fn missing_include() {
    let dir = TempDir::new();
    let path = dir.write(
        "src/_index.yaml",
        "namespace: app\nentries:\n  - name: w\n    kind: process.lua\n    source: file://nope.lua\n",
    );
    let errors = load_file(&path).expect_err("should fail");
    let e = &errors.as_slice()[0];
    assert_eq!(e.line(), Some(5));
    assert_eq!(e.field(), Some("source"));
    let LoadErrorKind::MissingInclude { target, .. } = e.kind() else {
        panic!("{e}")
    };
    assert_eq!(target, &dir.0.join("src/nope.lua"));
    assert!(e.to_string().contains("cannot read included file"));
}

#[test]
fn an_include_that_is_no_regular_file_or_too_large_is_refused() {
    let dir = TempDir::new();
    let path = dir.write(
        "src/_index.yaml",
        "namespace: app\nentries:\n  - name: dir\n    kind: process.lua\n    source: file://sub\n  - name: big\n    kind: process.lua\n    source: file://big.lua\n",
    );
    fs::create_dir_all(dir.0.join("src/sub")).unwrap();
    // Sparse: a length past the bound, without writing 16 MiB.
    let big = fs::File::create(dir.0.join("src/big.lua")).unwrap();
    big.set_len((16 << 20) + 1).unwrap();
    let errors = load_file(&path).expect_err("should fail");
    let texts = messages(&errors);
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert_eq!(errors.as_slice()[0].line(), Some(5));
    assert!(texts[0].contains("not a regular file"), "{}", texts[0]);
    assert_eq!(errors.as_slice()[1].line(), Some(8));
    assert!(texts[1].contains("more than the 16777216"), "{}", texts[1]);
}

#[test]
fn includes_may_not_leave_the_source_directory() {
    let dir = TempDir::new();
    dir.write("secret.txt", "outside");
    dir.write("src/lib/code.lua", "return 1");
    dir.write(
        "src/lib/_index.yaml",
        "namespace: app.lib\nentries:\n  - name: up\n    kind: library.lua\n    source: file://../../secret.txt\n  - name: root\n    kind: library.lua\n    source: file://..\n",
    );
    let errors = Registry::load_dir(&dir.0.join("src")).expect_err("should fail");
    let all = errors.as_slice();
    assert_eq!(all.len(), 2, "{:#?}", messages(&errors));
    for (e, line, target) in [(&all[0], 5, "../../secret.txt"), (&all[1], 8, "..")] {
        assert_eq!(e.line(), Some(line));
        assert_eq!(e.field(), Some("source"));
        let LoadErrorKind::IncludeOutsideRoot {
            target: found,
            root,
        } = e.kind()
        else {
            panic!("{e}")
        };
        assert_eq!(found, target);
        assert_eq!(root, &dir.0.join("src"));
        assert!(e.to_string().contains("inside the source directory"), "{e}");
    }
}

#[test]
fn includes_climb_within_the_source_directory_and_slash_starts_at_it() {
    let dir = TempDir::new();
    dir.write("src/shared/code.lua", "return 'shared'");
    dir.write("src/top.lua", "return 'top'");
    dir.write(
        "src/lib/_index.yaml",
        "namespace: app.lib\nentries:\n  - name: a\n    kind: library.lua\n    source: file://../shared/./code.lua\n  - name: b\n    kind: library.lua\n    source: file:///top.lua\n",
    );
    let registry = Registry::load_dir(&dir.0.join("src")).unwrap();
    let paths: Vec<PathBuf> = ["app.lib:a", "app.lib:b"]
        .iter()
        .map(|id| {
            registry.get_str(id).unwrap().includes()[0]
                .path()
                .to_path_buf()
        })
        .collect();
    assert_eq!(
        paths,
        [dir.0.join("src/shared/code.lua"), dir.0.join("src/top.lua")]
    );
    let a = registry.get_str("app.lib:a").unwrap();
    assert_eq!(
        a.includes()[0].content().map(|c| &c[..]),
        Some(&b"return 'shared'"[..])
    );
}

#[test]
fn import_cycles_are_refused_once_each() {
    let dir = TempDir::new();
    dir.write(
        "src/_index.yaml",
        "namespace: app
entries:
  - name: a
    kind: library.lua
    source: return 1
    imports: {b: app:b}
  - name: b
    kind: library.lua
    source: return 2
    imports: {a: app:a}
  - name: self
    kind: library.lua
    source: return 3
    imports: {me: app:self}
  - name: user
    kind: process.lua
    source: return 4
    method: main
    imports: {a: app:a, s: app:self}
",
    );
    let errors = Registry::load_dir(&dir.0.join("src")).expect_err("should fail");
    let src = dir.0.join("src/_index.yaml");
    assert_eq!(
        messages(&errors),
        [
            format!(
                "{}:10: entry app:b: field \"imports.a\": imports form a cycle: app:a -> app:b -> app:a (a library may not import itself, directly or through others)",
                src.display()
            ),
            format!(
                "{}:14: entry app:self: field \"imports.me\": imports form a cycle: app:self -> app:self (a library may not import itself, directly or through others)",
                src.display()
            ),
        ]
    );
}

#[test]
fn shared_imports_without_a_cycle_load() {
    let dir = TempDir::new();
    dir.write(
        "src/_index.yaml",
        "namespace: app
entries:
  - {name: base, kind: library.lua, source: return 1}
  - {name: left, kind: library.lua, source: return 2, imports: {base: app:base}}
  - {name: right, kind: library.lua, source: return 3, imports: {base: app:base}}
  - {name: top, kind: library.lua, source: return 4, imports: {l: app:left, r: app:right, b: app:base}}
",
    );
    let registry = Registry::load_dir(&dir.0.join("src")).unwrap();
    assert_eq!(registry.len(), 4);
}

#[test]
fn node_modules_directories_are_not_read() {
    let dir = TempDir::new();
    dir.write(
        "src/_index.yaml",
        "namespace: app\nentries:\n  - {name: a, kind: library.lua, source: return 1}\n",
    );
    // Broken and clashing definitions that a walk into node_modules would report.
    dir.write("src/web/node_modules/pkg/package.json", "{\"name\": [");
    dir.write(
        "src/node_modules/x.yaml",
        "namespace: app\nentries:\n  - {name: a, kind: library.lua, source: return 2}\n",
    );
    dir.write(
        "src/web/_index.yaml",
        "namespace: app.web\nentries:\n  - {name: b, kind: library.lua, source: return 3}\n",
    );
    let registry = Registry::load_dir(&dir.0.join("src")).unwrap();
    assert_eq!(registry.len(), 2);
    assert!(registry.get_str("app.web:b").is_some());
}

#[test]
fn includes_in_subdirectories_and_nested_fields() {
    let dir = TempDir::new();
    dir.write("src/lib/code.lua", "return 1");
    dir.write("src/lib/conf.json", "{\"a\": 1}");
    dir.write(
        "src/lib/_index.yaml",
        "namespace: app.lib\nname: code\nkind: library.lua\nsource: file://code.lua\nextra:\n  files: [file://conf.json]\n",
    );
    dir.write("src/notes.yaml", "title: not a definition file\n");
    let registry = Registry::load_dir(&dir.0.join("src")).unwrap();
    assert_eq!(registry.len(), 1);
    let e = registry.get_str("app.lib:code").unwrap();
    let fields: Vec<&str> = e.includes().iter().map(|i| i.field()).collect();
    assert_eq!(fields, ["source", "extra.files[0]"]);
    let conf = e
        .field("extra")
        .unwrap()
        .get("files")
        .unwrap()
        .as_array()
        .unwrap()[0]
        .clone();
    assert_eq!(conf.as_str(), Some("{\"a\": 1}"));
}

#[test]
fn single_entry_form_and_file_meta() {
    let text = "namespace: app\nversion: \"1.0\"\nmeta: {team: core, tier: 1}\nname: cfg\nkind: registry.entry\ndata: {answer: 42}\n";
    let entries = parse_file(Path::new("x.yaml"), text).unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e.id().as_str(), "app:cfg");
    assert!(matches!(e.config(), EntryConfig::RegistryEntry));
    assert_eq!(e.field("answer").unwrap().as_int(), Some(42));
    assert!(e.field("namespace").is_none() && e.field("version").is_none());
    assert_eq!(e.meta().get("team").unwrap().as_str(), Some("core"));

    let text = "namespace: app\nmeta: {team: core, tier: 1}\nentries:\n  - name: a\n    kind: x.y\n    meta: {tier: 2}\n";
    let entries = parse_file(Path::new("x.yaml"), text).unwrap();
    let meta = entries[0].meta();
    assert_eq!(meta.get("team").unwrap().as_str(), Some("core"));
    assert_eq!(meta.get("tier").unwrap().as_int(), Some(2));
}

#[test]
fn files_without_namespace_are_skipped() {
    assert!(parse_file(Path::new("a.yaml"), "").unwrap().is_empty());
    assert!(
        parse_file(Path::new("a.yaml"), "entries: [{name: a}]\n")
            .unwrap()
            .is_empty()
    );
    assert!(
        parse_file(Path::new("a.yaml"), "- 1\n- 2\n")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn file_level_errors() {
    let msgs = messages(&parse_err("namespace: [app]\nentries: []\n"));
    assert_eq!(
        msgs,
        [
            "src/_index.yaml:1: field \"namespace\": expected a namespace string such as app, found a list"
        ]
    );
    let msgs = messages(&parse_err("namespace: app\n"));
    assert!(msgs[0].contains("field \"entries\": missing"), "{msgs:?}");
    let msgs = messages(&parse_err("namespace: app\nentries: {a: 1}\n"));
    assert!(
        msgs[0].contains("expected a list of entries, found a map"),
        "{msgs:?}"
    );
    let msgs = messages(&parse_err("namespace: app\nentries:\n  - just a string\n"));
    assert!(
        msgs[0].contains(
            "entry entries[0]: expected an entry (a map with name and kind), found a string"
        ),
        "{msgs:?}"
    );
    let msgs = messages(&parse_err(
        "namespace: app\nentries:\n  - {name: a, kind: b, x: 1, data: {x: 2}}\n",
    ));
    assert!(msgs[0].contains("field \"x\": given twice"), "{msgs:?}");
    let msgs = messages(&parse_err(
        "namespace: app\nentries:\n  - {name: a b, kind: x}\n",
    ));
    assert!(
        msgs[0].contains("field \"name\": expected an entry name"),
        "{msgs:?}"
    );
    let msgs = messages(&parse_err(
        "namespace: app\nentries:\n  - {name: s, kind: process.service, process: p, host: node:control}\n",
    ));
    assert!(msgs[0].contains("other than node:control"), "{msgs:?}");
    let msgs = messages(&parse_err(
        "namespace: app\nentries:\n  - {name: l, kind: process.lua, modules: [a, 1]}\n",
    ));
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs[0].contains("field \"source\": missing"));
    assert!(msgs[1].contains("field \"modules[1]\": expected a string, found an integer"));
}

#[test]
fn non_utf8_file() {
    let dir = TempDir::new();
    let path = dir.0.join("bad.yaml");
    fs::write(&path, b"namespace: app\n# \xff\n").unwrap();
    let errors = load_file(&path).unwrap_err();
    let e = &errors.as_slice()[0];
    assert!(matches!(e.kind(), LoadErrorKind::NotUtf8(17)));
    assert_eq!(e.line(), Some(2));
}

#[test]
fn missing_directory() {
    let dir = TempDir::new();
    let errors = Registry::load_dir(&dir.0.join("absent")).unwrap_err();
    assert!(matches!(errors.as_slice()[0].kind(), LoadErrorKind::Io(_)));
}

/// An entry dropped for a broken field is reported once: a reference to it is not also
/// reported as a reference to an entry no file defines; a reference to an entry that
/// really is missing still is.
#[test]
fn a_reference_to_a_broken_entry_is_not_reported_as_missing() {
    let dir = TempDir::new();
    dir.write(
        "src/_index.yaml",
        "namespace: app\nentries:\n  - name: processes\n    kind: process.host\n  - name: s1\n    kind: process.service\n    process: job\n    host: processes\n    lifecycle: {depends_on: [s2, s3]}\n  - name: s2\n    kind: process.service\n    process: job\n    host: processes\n    lifecycle: {auto_start: yes}\n  - name: job\n    kind: process.lua\n    source: \"return {main = function() end}\"\n",
    );
    let errors = Registry::load_dir(&dir.0.join("src")).expect_err("should fail");
    let msgs = messages(&errors);
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert!(
        msgs[0].contains("entry app:s2: field \"lifecycle.auto_start\""),
        "{msgs:#?}"
    );
    assert!(
        msgs[1].contains("refers to app:s3, which no loaded file defines"),
        "{msgs:#?}"
    );
}

#[test]
fn empty_or_namespaced_module_names_and_empty_import_aliases_are_errors() {
    let text = format!(
        "{HEAD}  - name: f\n    kind: function.lua\n    source: return {{}}\n    method: main\n    modules: [json, \"\", \"app:json\", time]\n    imports: {{\"\": app:lib, lib: app:lib}}\n  - name: lib\n    kind: library.lua\n    source: return {{}}\n"
    );
    let errors = parse_err(&text);
    let text = messages(&errors).join("\n");
    assert!(
        text.contains("modules[1]") && text.contains("not empty"),
        "{text}"
    );
    assert!(
        text.contains("modules[2]") && text.contains("without a namespace"),
        "{text}"
    );
    assert!(
        text.contains("imports") && text.contains("aliases that are not empty"),
        "{text}"
    );
    assert!(
        !text.contains("modules[0]") && !text.contains("modules[3]"),
        "{text}"
    );
    assert_eq!(errors.iter().count(), 3, "{text}");
}

#[test]
fn function_entries_need_a_method_and_a_pool_size_and_function_or_library_entries_a_source() {
    let text = format!(
        "{HEAD}  - name: no_method\n    kind: function.lua\n    source: return {{}}\n  - name: workers_without_size\n    kind: function.lua\n    source: return {{}}\n    method: main\n    pool: {{workers: 2}}\n  - name: negative_size\n    kind: function.lua\n    source: return {{}}\n    method: main\n    pool:\n      size: -1\n  - name: empty_library\n    kind: library.lua\n    source: \"\"\n  - name: flex\n    kind: function.lua\n    source: return {{}}\n    method: main\n    pool: {{max_size: 4}}\n  - name: sized\n    kind: function.lua\n    source: return {{}}\n    method: main\n    pool: {{workers: 2, size: 4}}\n  - name: empty_process\n    kind: process.lua\n    source: \"\"\n    method: main\n"
    );
    let errors = parse_err(&text);
    let text = messages(&errors).join("\n");
    let lines: Vec<&str> = text.lines().collect();
    let about = |entry: &str| lines.iter().filter(|l| l.contains(entry)).count();
    assert!(
        lines.iter().any(|l| l.contains("app:no_method")
            && l.contains("_index.yaml:4:")
            && l.contains("method is required")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.contains("app:workers_without_size")
            && l.contains("pool.size")
            && l.contains("non-flex pools")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.contains("app:negative_size")
            && l.contains("_index.yaml:17:")
            && l.contains("-1")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.contains("app:empty_library")
            && l.contains("source")
            && l.contains("source is required")),
        "{text}"
    );
    // A flex pool, a sized pool, and a process entry (which the original does not
    // check) load.
    assert_eq!(about("app:flex"), 0, "{text}");
    assert_eq!(about("app:sized"), 0, "{text}");
    assert_eq!(about("app:empty_process"), 0, "{text}");
    assert_eq!(errors.iter().count(), 4, "{text}");
}
