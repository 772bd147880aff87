//! The original's global log flags: `-v` shows debug logs (also `logger:debug`), `-c`
//! shows logs with `-x` too, `-s` silences them over `-v`; the flags this runtime does
//! not have are refused by name instead of being taken for arguments.

mod common;

const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - name: terminal
    kind: terminal.host
    lifecycle: {auto_start: true}
  - name: logs
    kind: process.lua
    source: "return {main = function() logger:debug('a debug line', {k = 'v'}) logger:info('an info line') return 0 end}"
    method: main
    modules: [logger]
"#;

#[test]
fn log_flags_choose_what_reaches_stderr() {
    let dir = common::app("cli-flags", REGISTRY, &[], Some(common::LOCK));
    let run = |flags: &[&str]| {
        let mut all = vec!["run"];
        all.extend_from_slice(flags);
        all.extend_from_slice(&["-x", "app:logs"]);
        let (_, stderr, code) = common::wippy(&dir, &all);
        (stderr, code)
    };
    let (quiet, code) = run(&[]);
    assert_eq!(code, Some(0), "{quiet}");
    assert!(
        !quiet.contains("an info line"),
        "-x alone keeps the terminal clean: {quiet}"
    );

    let (verbose, _) = run(&["-v"]);
    assert!(
        verbose.contains("a debug line") && verbose.contains("an info line"),
        "-v shows debug logs: {verbose}"
    );
    let (console, _) = run(&["-c"]);
    assert!(
        console.contains("an info line") && !console.contains("a debug line"),
        "-c shows info logs with -x: {console}"
    );
    assert!(console.contains('\u{1b}'), "-c colours them: {console}");
    for flags in [&["-s", "-v"][..], &["-c", "-s"][..]] {
        let (silent, code) = run(flags);
        assert_eq!(code, Some(0), "{silent}");
        assert!(
            !silent.contains(" line"),
            "{flags:?} silences logs: {silent}"
        );
    }
    let (very, _) = run(&["--very-verbose"]);
    assert!(
        very.contains("a debug line") && very.contains("TRACE"),
        "{very}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn flags_this_runtime_lacks_are_refused_by_name() {
    let dir = std::env::temp_dir();
    for (flags, named) in [
        (
            &["run", "-m", "1G", "-x", "app:logs"][..],
            "-m/--memory-limit",
        ),
        (&["run", "-e"][..], "-e/--event-streams"),
        (&["-p", "run"][..], "-p/--profiler"),
    ] {
        let (_, stderr, code) = common::wippy(&dir, flags);
        assert_eq!(code, Some(2), "{flags:?}: {stderr}");
        assert!(
            stderr.contains(&format!("error: {named} is not supported by this runtime")),
            "{flags:?}: {stderr}"
        );
    }
}

const OVERRIDES: &str = r#"version: "1.0"
namespace: app
entries:
  - name: terminal
    kind: terminal.host
    lifecycle: {auto_start: true}
  - name: code
    kind: process.lua
    source: "return {main = function() return 3 end}"
    method: main
"#;

#[test]
fn override_flags_change_an_entry_before_it_runs_and_bad_ones_are_named() {
    let dir = common::app("cli-overrides", OVERRIDES, &[], Some(common::LOCK));
    let (_, stderr, code) = common::wippy(&dir, &["run", "-x", "app:code"]);
    assert_eq!(code, Some(3), "{stderr}");
    // The entry's source replaced by -o: the process runs the new code.
    let (_, stderr, code) = common::wippy(
        &dir,
        &[
            "run",
            "-o",
            "app:code:source=return {main = function() return 7 end}",
            "-x",
            "app:code",
        ],
    );
    assert_eq!(code, Some(7), "{stderr}");

    // A value that breaks the field is reported at the entry's line, naming the flag.
    let (_, stderr, code) =
        common::wippy(&dir, &["run", "-o", "app:code:method=7", "-x", "app:code"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("entry app:code: field \"method\"")
            && stderr.contains("(the value is set by -o app:code:method=7)"),
        "{stderr}"
    );
    let (_, stderr, code) = common::wippy(&dir, &["run", "-o", "app:code", "-x", "app:code"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("invalid override \"app:code\": no `=`"),
        "{stderr}"
    );
    let (_, stderr, code) = common::wippy(
        &dir,
        &["run", "-o", "app:missing:meta.x=1", "-x", "app:code"],
    );
    assert_ne!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("-o: entry app:missing: the override \"app:missing:meta.x=1\" names an entry no loaded file defines"),
        "{stderr}"
    );
}
