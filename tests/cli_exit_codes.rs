//! `wippy run -x` exits with the program's result, as the original's terminal host maps
//! it: a number modulo 256 (a float by its integer part; NaN and the infinities fail with
//! 1; a number beyond 32 bits is 1, as the original's `setExitCode` makes it), `true`/nil
//! 0, `false` 1, a string printed and 0.

mod common;

#[test]
fn results_map_to_exit_codes() {
    for (result, expected) in [
        ("3", 3),
        ("258", 2),
        ("-1", 255),
        ("2147483647", 255),
        ("2147483648", 1),
        ("-2147483648", 0),
        ("-2147483649", 1),
        ("4294967296", 1),
        ("3e9", 1),
        ("1e300", 1),
        ("2.9", 2),
        ("1/0", 1),
        ("-1/0", 1),
        ("0/0", 1),
        ("true", 0),
        ("false", 1),
        ("nil", 0),
        ("'printed'", 0),
    ] {
        let registry = format!(
            "version: \"1.0\"\nnamespace: app\nentries:\n  - {{name: terminal, kind: terminal.host, lifecycle: {{auto_start: true}}}}\n  - name: code\n    kind: process.lua\n    source: \"return {{main = function() return {result} end}}\"\n    method: main\n"
        );
        let dir = common::app("cli-exit-codes", &registry, &[], Some(common::LOCK));
        let (stdout, stderr, code) = common::wippy(&dir, &["run", "-x", "app:code"]);
        assert_eq!(code, Some(expected), "return {result}: {stderr}");
        if result == "'printed'" {
            assert_eq!(stdout, "printed\n");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn the_exec_entry_is_trimmed() {
    let registry = "version: \"1.0\"\nnamespace: app\nentries:\n  - {name: terminal, kind: terminal.host, lifecycle: {auto_start: true}}\n  - name: code\n    kind: process.lua\n    source: \"return {main = function() return 7 end}\"\n    method: main\n";
    let dir = common::app("cli-exec-trimmed", registry, &[], Some(common::LOCK));
    for spec in [" app:code ", "\tapp:terminal/app:code\n"] {
        let (_, stderr, code) = common::wippy(&dir, &["run", "-x", spec]);
        assert_eq!(code, Some(7), "{spec:?}: {stderr}");
    }
    let (_, stderr, code) = common::wippy(&dir, &["run", "-x", " app:nope "]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("app:nope"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_empty_or_missing_method_calls_main() {
    for (method, expected) in [
        ("    method: \"\"\n", 7),
        ("", 7),
        ("    method: other\n", 8),
        ("    method: absent\n", 1),
    ] {
        let registry = format!(
            "version: \"1.0\"\nnamespace: app\nentries:\n  - {{name: terminal, kind: terminal.host, lifecycle: {{auto_start: true}}}}\n  - name: code\n    kind: process.lua\n    source: \"return {{main = function() return 7 end, other = function() return 8 end}}\"\n{method}"
        );
        let dir = common::app("cli-exec-method", &registry, &[], Some(common::LOCK));
        let (_, stderr, code) = common::wippy(&dir, &["run", "-x", "app:code"]);
        assert_eq!(code, Some(expected), "{method:?}: {stderr}");
        if expected == 1 {
            assert!(stderr.contains("\"absent\""), "{stderr}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
