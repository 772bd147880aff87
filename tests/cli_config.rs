//! The settings file, `.wippy.yaml` (or `--config FILE`), and `--set`: its `override`
//! section changes entries (an `-o` flag for the same field wins), `shutdown.timeout`
//! bounds the shutdown, `logger.encoding` and `logmanager.min_level` shape the logs;
//! what this runtime does not read is said, and bad settings are errors naming the
//! file, line and key.

use std::io::Read;

mod common;

const REGISTRY: &str = r#"version: "1.0"
namespace: app
entries:
  - name: terminal
    kind: terminal.host
    lifecycle: {auto_start: true}
  - name: code
    kind: process.lua
    source: "return {main = function() logger:info('an info line') logger:warn('a warn line') return 3 end}"
    method: main
    modules: [logger]
"#;

/// `source` for `app:code` that returns `n`.
fn returning(n: u8) -> String {
    format!("return {{main = function() return {n} end}}")
}

fn app_with_settings(tag: &str, settings: Option<&str>) -> std::path::PathBuf {
    let dir = common::app(tag, REGISTRY, &[], Some(common::LOCK));
    if let Some(settings) = settings {
        std::fs::write(dir.join(".wippy.yaml"), settings).expect("settings written");
    }
    dir
}

#[test]
fn the_override_section_changes_entries_and_an_o_flag_wins() {
    let settings = format!(
        "version: \"1.0\"\noverride:\n  \"app:code:source\": \"{}\"\n",
        returning(9)
    );
    let dir = app_with_settings("cli-config-override", Some(&settings));
    let (_, stderr, code) = common::wippy(&dir, &["run", "-x", "app:code"]);
    assert_eq!(code, Some(9), "{stderr}");
    let flag = format!("app:code:source={}", returning(7));
    let (_, stderr, code) = common::wippy(&dir, &["run", "-o", &flag, "-x", "app:code"]);
    assert_eq!(code, Some(7), "{stderr}");
    // An override for an entry no file defines is named at its line.
    std::fs::write(
        dir.join(".wippy.yaml"),
        "version: \"1.0\"\noverride:\n  \"app:nope:meta.x\": 1\n",
    )
    .expect("settings written");
    let (_, stderr, code) = common::wippy(&dir, &["run", "-x", "app:code"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error: .wippy.yaml:3: entry app:nope: the override \"override.app:nope:meta.x\" names an entry no loaded file defines"
        ),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_set_override_naming_no_entry_is_named_as_a_set_flag() {
    let dir = app_with_settings("cli-config-set-override", None);
    let (_, stderr, code) = common::wippy(
        &dir,
        &[
            "run",
            "--set",
            "override.app:nope:meta.x=1",
            "-x",
            "app:code",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error: --set: entry app:nope: the override \"--set override.app:nope:meta.x=1\" names an entry no loaded file defines"
        ),
        "{stderr}"
    );
    // And one that names an entry changes it.
    let flag = format!("override.app:code:source={}", returning(4));
    let (_, stderr, code) = common::wippy(&dir, &["run", "--set", &flag, "-x", "app:code"]);
    assert_eq!(code, Some(4), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_names_another_file_and_a_missing_one_is_an_error() {
    let dir = app_with_settings("cli-config-file", None);
    // No .wippy.yaml: every default, nothing said.
    let (_, stderr, code) = common::wippy(&dir, &["run", "-x", "app:code"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert_eq!(stderr, "");
    let settings = format!(
        "version: \"1.0\"\noverride: {{\"app:code:source\": \"{}\"}}\n",
        returning(5)
    );
    std::fs::write(dir.join("prod.yaml"), settings).expect("settings written");
    let (_, stderr, code) =
        common::wippy(&dir, &["--config", "prod.yaml", "run", "-x", "app:code"]);
    assert_eq!(code, Some(5), "{stderr}");
    let (_, stderr, code) =
        common::wippy(&dir, &["run", "--config", "missing.yaml", "-x", "app:code"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: missing.yaml: cannot read:"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_settings_and_set_flags_are_named_and_nothing_runs() {
    let dir = app_with_settings(
        "cli-config-bad",
        Some("version: \"1.0\"\nshutdown:\n  timeout: soon\nlogger: {encoding: xml}\n"),
    );
    let (stdout, stderr, code) = common::wippy(&dir, &["run", "-x", "app:code"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error: .wippy.yaml:3: field \"shutdown.timeout\": expected a duration such as \"45s\" or \"1m30s\", or a number of seconds, at most 292 years, found \"soon\"\n\
         error: .wippy.yaml:4: field \"logger.encoding\": expected json or console, found \"xml\"\n"
    );
    std::fs::write(dir.join(".wippy.yaml"), "shutdown: {timeout: 5s}\n").expect("written");
    let (_, stderr, code) = common::wippy(&dir, &["run", "-x", "app:code"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(".wippy.yaml:1: field \"version\": missing"),
        "{stderr}"
    );

    std::fs::write(dir.join(".wippy.yaml"), "version: \"1.0\"\n").expect("written");
    let (_, stderr, code) = common::wippy(&dir, &["run", "--set", "timeout", "-x", "app:code"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("error: --set: expected section.path=value"),
        "{stderr}"
    );
    let (_, stderr, code) = common::wippy(
        &dir,
        &[
            "run",
            "--set",
            "logmanager.min_level=loud",
            "-x",
            "app:code",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr
            .contains("error: --set: field \"logmanager.min_level\": expected a zap level number"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn settings_without_effect_here_are_said_once_per_section() {
    let dir = app_with_settings(
        "cli-config-unused",
        Some(
            "version: \"1.0\"\nlua:\n  cache: {enabled: true, dir: /tmp/c}\nrelay: {node_name: n1}\n",
        ),
    );
    let (_, stderr, code) = common::wippy(
        &dir,
        &["run", "--set", "cluster.enabled=true", "-x", "app:code"],
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert_eq!(
        stderr,
        "note: --set cluster.enabled=true: cluster.enabled is not used by this runtime\n\
         note: .wippy.yaml:3: lua (cache.enabled, cache.dir) is not used by this runtime\n\
         note: .wippy.yaml:4: relay (node_name) is not used by this runtime\n"
    );
    // -s: nothing at all on stderr.
    let (_, stderr, code) = common::wippy(&dir, &["run", "-s", "-x", "app:code"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert_eq!(stderr, "");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn log_settings_choose_the_level_and_the_format() {
    let dir = app_with_settings(
        "cli-config-logs",
        Some("version: \"1.0\"\nlogmanager: {min_level: 1}\n"),
    );
    // -c shows logs with -x; min_level 1 keeps warnings and up.
    let (_, stderr, code) = common::wippy(&dir, &["run", "-c", "-x", "app:code"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("a warn line") && !stderr.contains("an info line"),
        "{stderr}"
    );
    // -v over the settings: debug and up.
    let (_, stderr, _) = common::wippy(&dir, &["run", "-v", "-x", "app:code"]);
    assert!(stderr.contains("an info line"), "{stderr}");
    // -x keeps the terminal clean, whatever the settings say.
    let (_, stderr, code) = common::wippy(
        &dir,
        &["run", "--set", "logmanager.min_level=0", "-x", "app:code"],
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert_eq!(stderr, "");
    // --set over the file's level: info and up again.
    let (_, stderr, _) = common::wippy(
        &dir,
        &[
            "run",
            "--set",
            "logmanager.min_level=0",
            "-c",
            "-x",
            "app:code",
        ],
    );
    assert!(stderr.contains("an info line"), "{stderr}");
    // Records as JSON objects, the message at the top as zap writes it.
    let (_, stderr, code) = common::wippy(
        &dir,
        &[
            "run",
            "--set",
            "logger.encoding=json",
            "-v",
            "-x",
            "app:code",
        ],
    );
    assert_eq!(code, Some(3), "{stderr}");
    let info = stderr
        .lines()
        .find(|l| l.contains("an info line"))
        .unwrap_or_else(|| panic!("an info record: {stderr}"));
    assert!(
        info.starts_with('{')
            && info.ends_with('}')
            && info.contains("\"level\":\"INFO\"")
            && info.contains("\"message\":\"an info line\""),
        "{info}"
    );
    assert!(stderr.lines().all(|l| l.starts_with('{')), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shutdown_timeout_bounds_the_shutdown() {
    let dir = common::slow_service_app("cli-config-shutdown", "30s");
    std::fs::write(
        dir.join(".wippy.yaml"),
        "version: \"1.0\"\nshutdown: {timeout: 1s}\n",
    )
    .expect("settings written");
    let mut child = common::spawn_wippy(&dir, &["run", "-v"]);
    // Without the setting the service would hold the shutdown for 20 s and more.
    common::kill_after(child.id(), 15);
    let mut stderr = child.stderr.take().expect("stderr");
    let mut seen = common::read_until(&mut stderr, "slow service ready");
    common::send_signal(child.id(), "TERM");
    stderr.read_to_end(&mut seen).expect("log read");
    let status = child.wait().expect("wippy ends");
    let log = String::from_utf8_lossy(&seen);
    assert!(
        log.contains("service still stopping at the shutdown deadline"),
        "{log}"
    );
    assert!(!log.contains("slow service cleanup done"), "{log}");
    // Ended by the shutdown, not by the test's kill after 15 s.
    assert_eq!(status.code(), Some(0), "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}
