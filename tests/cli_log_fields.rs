//! What a Lua process's log records carry, seen on stderr with `-v`: each entry of a
//! fields table is a field of its own (as the original's `tableToFields`), so entries
//! with non-string keys are skipped and a table JSON has no plain form for (sparse, mixed,
//! cyclic) loses nothing else; `print` joins its arguments with spaces.

mod common;

const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - name: terminal
    kind: terminal.host
    lifecycle: {auto_start: true}
  - name: logs
    kind: process.lua
    source: file://logs.lua
    method: main
    modules: [logger]
"#;

const LOGS: &str = r#"local function main()
  logger:info("mixed keys", {[1] = "skipped", s = "x", t = {[1] = 1, [3] = 3}, e = errors.new("boom")})
  local cyclic = {}
  cyclic.me = cyclic
  logger:with({base = 1}):warn("a cyclic field", {c = cyclic, n = 2.5})
  print("joined", 1, true)
  logger:info("plain record")
  logger:named("svc"):info("named record")
  return 0
end
return { main = main }
"#;

fn line_with<'a>(stderr: &'a str, message: &str) -> &'a str {
    stderr
        .lines()
        .find(|l| l.contains(message))
        .unwrap_or_else(|| panic!("no log line with {message:?}: {stderr}"))
}

#[test]
fn every_field_with_a_string_key_is_logged() {
    let dir = common::app(
        "cli-log-fields",
        REGISTRY,
        &[("logs.lua", LOGS)],
        Some(common::LOCK),
    );
    let (_, stderr, code) = common::wippy(&dir, &["run", "-v", "-x", "app:logs"]);
    assert_eq!(code, Some(0), "{stderr}");

    let mixed = line_with(&stderr, "mixed keys");
    assert!(
        mixed.contains(r#"fields={"e":"boom","s":"x","t":{"1":1,"3":3}}"#),
        "{mixed}"
    );
    assert!(!mixed.contains("skipped"), "{mixed}");

    let cyclic = line_with(&stderr, "a cyclic field");
    assert!(
        cyclic.contains(r#""base":1"#) && cyclic.contains(r#""n":2.5"#),
        "{cyclic}"
    );
    assert!(
        cyclic.contains(r#""c":"<table contains a reference to itself>""#),
        "{cyclic}"
    );

    assert!(stderr.contains("joined 1 true"), "{stderr}");

    // Without a name or fields, the record carries neither (no `logger=""`, no
    // `fields=`); a named logger's name is there.
    let plain = line_with(&stderr, "plain record");
    assert!(
        !plain.contains("logger=") && !plain.contains("fields="),
        "{plain}"
    );
    let named = line_with(&stderr, "named record");
    assert!(
        named.contains("logger=\"svc\"") && !named.contains("fields="),
        "{named}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
