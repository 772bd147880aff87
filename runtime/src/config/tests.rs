use super::*;

fn no_env(_: &str) -> Option<String> {
    None
}

fn parse(text: &str) -> Result<BootConfig, LoadErrors> {
    BootConfig::parse(Path::new(".wippy.yaml"), text, no_env)
}

/// Every error of `result`, as the command prints them.
fn errors<T: std::fmt::Debug>(result: Result<T, LoadErrors>) -> Vec<String> {
    result
        .expect_err("an error")
        .iter()
        .map(ToString::to_string)
        .collect()
}

const FULL: &str = r#"version: "1.0"
logger:
  encoding: json
logmanager: {min_level: 1}
shutdown:
  timeout: 45s
override:
  "app:gateway:meta.port": 9090
  "app:gateway:meta.name": "9090"
lua:
  cache: {enabled: true, dir: /tmp/x}
prometheus: {enabled: false}
"#;

#[test]
fn the_settings_this_runtime_reads_come_out_typed() {
    let settings = parse(FULL).expect("parses").resolve().expect("resolves");
    assert_eq!(settings.shutdown_timeout, Some(Duration::from_secs(45)));
    assert_eq!(settings.log_encoding, Some(LogEncoding::Json));
    assert_eq!(settings.log_level, Some(LogLevel::Warn));
    let overrides: Vec<_> = settings
        .overrides
        .iter()
        .map(|o| {
            (
                o.entry().to_string(),
                o.field(),
                o.value().clone(),
                o.origin(),
            )
        })
        .collect();
    assert_eq!(
        overrides,
        vec![
            (
                "app:gateway".to_owned(),
                "meta.port".to_owned(),
                OverrideValue::Int(9090),
                Some((Path::new(".wippy.yaml"), Some(8)))
            ),
            // Quoted in YAML, so text, not a number.
            (
                "app:gateway".to_owned(),
                "meta.name".to_owned(),
                OverrideValue::Text("9090".to_owned()),
                Some((Path::new(".wippy.yaml"), Some(9)))
            ),
        ]
    );
}

#[test]
fn settings_this_runtime_does_not_read_are_listed_with_their_lines() {
    let settings = parse(FULL).expect("parses").resolve().expect("resolves");
    let unused: Vec<_> = settings
        .unused
        .iter()
        .map(|s| {
            (
                s.key().to_owned(),
                s.section().to_owned(),
                s.origin().clone(),
            )
        })
        .collect();
    let at = |line| Origin::File {
        path: PathBuf::from(".wippy.yaml"),
        line,
    };
    assert_eq!(
        unused,
        vec![
            ("lua.cache.enabled".to_owned(), "lua".to_owned(), at(11)),
            ("lua.cache.dir".to_owned(), "lua".to_owned(), at(11)),
            (
                "prometheus.enabled".to_owned(),
                "prometheus".to_owned(),
                at(12)
            ),
        ]
    );
}

#[test]
fn no_settings_means_every_default() {
    let settings = BootConfig::new().resolve().expect("resolves");
    assert_eq!(settings.shutdown_timeout, None);
    assert_eq!(settings.log_encoding, None);
    assert_eq!(settings.log_level, None);
    assert!(settings.overrides.is_empty() && settings.unused.is_empty());
    // Only the version: nothing set either; an empty value leaves the default.
    let settings = parse("version: \"1.0\"\nshutdown: {timeout: }\nlogger:\n")
        .expect("parses")
        .resolve()
        .expect("resolves");
    assert_eq!(settings.shutdown_timeout, None);
    assert!(settings.unused.is_empty());
}

#[test]
fn the_version_is_required_and_must_be_known() {
    assert_eq!(
        errors(parse("shutdown: {timeout: 5s}\n")),
        [".wippy.yaml:1: field \"version\": missing, expected version: \"1.0\""]
    );
    assert_eq!(
        errors(parse("")),
        [".wippy.yaml:1: field \"version\": missing, expected version: \"1.0\""]
    );
    assert_eq!(
        errors(parse("version: \"2.0\"\n")),
        [
            ".wippy.yaml:1: field \"version\": expected \"1.0\" (the one version there is), found \"2.0\""
        ]
    );
    // Unquoted, as Go's yaml.v3 reads it into the original's string field.
    assert!(parse("version: 1.0\n").is_ok());
    assert_eq!(
        errors(parse("version: 2\n")),
        [".wippy.yaml:1: field \"version\": expected the string \"1.0\", found an integer"]
    );
}

#[test]
fn a_section_must_be_a_map_and_the_file_a_map() {
    assert_eq!(
        errors(parse("version: \"1.0\"\nshutdown: 30s\nlogger: [a]\n")),
        [
            ".wippy.yaml:2: field \"shutdown\": expected a section (a map of settings), found a string",
            ".wippy.yaml:3: field \"logger\": expected a section (a map of settings), found a list",
        ]
    );
    assert_eq!(
        errors(parse("- version\n")),
        [".wippy.yaml:1: expected a map with version and sections, found a list"]
    );
    let syntax = errors(parse("version: \"1.0\"\nlogger: {encoding: json\n"));
    assert!(
        syntax[0].starts_with(".wippy.yaml:") && syntax[0].contains("YAML syntax error"),
        "{syntax:?}"
    );
}

#[test]
fn bad_values_are_named_with_file_line_and_key_all_at_once() {
    let text = "version: \"1.0\"\nshutdown:\n  timeout: soon\nlogger: {encoding: xml}\nlogmanager:\n  min_level: debug\n";
    assert_eq!(
        errors(parse(text).expect("parses").resolve()),
        [
            ".wippy.yaml:3: field \"shutdown.timeout\": expected a duration such as \"45s\" or \"1m30s\", or a number of seconds, at most 292 years, found \"soon\"",
            ".wippy.yaml:4: field \"logger.encoding\": expected json or console, found \"xml\"",
            ".wippy.yaml:6: field \"logmanager.min_level\": expected a zap level number: -1 debug, 0 info, 1 warn, 2 error, found a string",
        ]
    );
    let text = "version: \"1.0\"\nlogmanager: {min_level: 9}\nshutdown: {timeout: -3}\n";
    assert_eq!(
        errors(parse(text).expect("parses").resolve()),
        [
            ".wippy.yaml:2: field \"logmanager.min_level\": expected a zap level from -1 (debug) to 5 (fatal): -1 debug, 0 info, 1 warn, 2 error, found \"9\"",
            ".wippy.yaml:3: field \"shutdown.timeout\": expected a duration such as \"45s\" or \"1m30s\", or a number of seconds, at most 292 years, found \"-3\"",
        ]
    );
    // Past Go's longest duration (the shutdown's clock would overflow).
    for timeout in ["9223372036854775807", "1e19", ".inf", ".nan"] {
        let text = format!("version: \"1.0\"\nshutdown: {{timeout: {timeout}}}\n");
        let found = errors(parse(&text).expect("parses").resolve());
        assert_eq!(found.len(), 1, "{timeout}: {found:?}");
        assert!(
            found[0].contains("at most 292 years"),
            "{timeout}: {found:?}"
        );
    }
    let mut config = BootConfig::new();
    config.set("shutdown.timeout=1e400").expect("read");
    assert_eq!(
        errors(config.resolve()),
        [
            "--set: field \"shutdown.timeout\": expected a duration such as \"45s\" or \"1m30s\", or a number of seconds, at most 292 years, found \"1e400\""
        ]
    );
}

#[test]
fn a_timeout_may_be_seconds_and_levels_map_onto_ours() {
    let resolve = |text: &str| parse(text).expect("parses").resolve().expect("resolves");
    let s = resolve("version: \"1.0\"\nshutdown: {timeout: 2.5}\nlogmanager: {min_level: -1}\n");
    assert_eq!(s.shutdown_timeout, Some(Duration::from_millis(2500)));
    assert_eq!(s.log_level, Some(LogLevel::Debug));
    let s = resolve("version: \"1.0\"\nshutdown: {timeout: 0}\nlogmanager: {min_level: 5}\n");
    assert_eq!(s.shutdown_timeout, Some(Duration::ZERO));
    assert_eq!(s.log_level, Some(LogLevel::Error));
    assert_eq!(LogLevel::Error.as_filter(), "error");
}

#[test]
fn set_flags_replace_single_settings_and_keep_the_rest() {
    let mut config = parse(FULL).expect("parses");
    config.set("shutdown.timeout=2s").expect("valid");
    config.set("logmanager.min_level=-1").expect("valid");
    config.set("cluster.enabled=true").expect("valid");
    let settings = config.resolve().expect("resolves");
    assert_eq!(settings.shutdown_timeout, Some(Duration::from_secs(2)));
    assert_eq!(settings.log_level, Some(LogLevel::Debug));
    // Untouched by the flags.
    assert_eq!(settings.log_encoding, Some(LogEncoding::Json));
    let cluster = settings
        .unused
        .iter()
        .find(|s| s.key() == "cluster.enabled")
        .expect("listed");
    assert_eq!(cluster.value(), &SettingValue::Bool(true));
    assert_eq!(
        cluster.origin(),
        &Origin::Flag("cluster.enabled=true".to_owned())
    );
    // A flag over the file's setting takes its place and its origin.
    let timeout = config
        .settings()
        .iter()
        .find(|s| s.key() == "shutdown.timeout")
        .expect("there");
    assert_eq!(
        timeout.origin(),
        &Origin::Flag("shutdown.timeout=2s".to_owned())
    );
}

#[test]
fn set_values_are_read_as_the_original_reads_them() {
    let value = |flag: &str| {
        let mut config = BootConfig::new();
        config.set(flag).expect("valid");
        config.settings()[0].value().clone()
    };
    assert_eq!(value("a.b=true"), SettingValue::Bool(true));
    assert_eq!(value("a.b=12"), SettingValue::Int(12));
    assert_eq!(value("a.b=1.5"), SettingValue::Float(1.5));
    assert_eq!(value("a.b=5s"), SettingValue::Text("5s".to_owned()));
    assert_eq!(value("a.b=x=y"), SettingValue::Text("x=y".to_owned()));
    assert_eq!(value("a.b.c="), SettingValue::Text(String::new()));
}

#[test]
fn bad_set_flags_are_refused_by_name() {
    let refuse = |flag: &str| {
        BootConfig::new()
            .set(flag)
            .expect_err("refused")
            .iter()
            .map(ToString::to_string)
            .collect::<String>()
    };
    assert_eq!(
        refuse("shutdown.timeout"),
        "--set: expected section.path=value (e.g. shutdown.timeout=45s), with an `=`, found \"shutdown.timeout\""
    );
    for flag in ["timeout=5s", ".timeout=5s", "shutdown.=5s", "=5"] {
        assert_eq!(
            refuse(flag),
            format!(
                "--set: expected a key of a section and a path (e.g. shutdown.timeout), found {flag:?}"
            )
        );
    }
    let mut config = BootConfig::new();
    config.set("shutdown.timeout=later").expect("read");
    assert_eq!(
        errors(config.resolve()),
        [
            "--set: field \"shutdown.timeout\": expected a duration such as \"45s\" or \"1m30s\", or a number of seconds, at most 292 years, found \"later\""
        ]
    );
}

#[test]
fn environment_variables_are_put_into_text() {
    let env = |name: &str| match name {
        "PORT" => Some("8081".to_owned()),
        "LEVEL" => Some("1".to_owned()),
        _ => None,
    };
    let text = "version: \"1.0\"\noverride:\n  \"app:gw:addr\": \":${env:PORT}\"\nshutdown: {timeout: \"${env:PORT}ms\"}\n";
    let settings = BootConfig::parse(Path::new("w.yaml"), text, env)
        .expect("parses")
        .resolve()
        .expect("resolves");
    assert_eq!(
        settings.overrides[0].value(),
        &OverrideValue::Text(":8081".to_owned())
    );
    assert_eq!(settings.shutdown_timeout, Some(Duration::from_millis(8081)));
    // A value that is one variable alone is typed (here the zap level 1).
    let text = "version: \"1.0\"\nlogmanager: {min_level: \"${env:LEVEL}\"}\n";
    let settings = BootConfig::parse(Path::new("w.yaml"), text, env)
        .expect("parses")
        .resolve()
        .expect("resolves");
    assert_eq!(settings.log_level, Some(LogLevel::Warn));
    let text = "version: \"1.0\"\nlogger:\n  encoding: ${env:NOPE}\n  x: \"${env:PORT\"\n";
    assert_eq!(
        errors(BootConfig::parse(Path::new("w.yaml"), text, env)),
        [
            "w.yaml:3: field \"logger.encoding\": expected ${env:NOPE} to name an environment variable that is set (with text); \"NOPE\" is not, found \"${env:NOPE}\"",
            "w.yaml:4: field \"logger.x\": expected ${env:NAME} closed by `}`, found \"${env:PORT\"",
        ]
    );
}

#[test]
fn overrides_must_name_an_entry_field_and_hold_a_plain_value() {
    let text = "version: \"1.0\"\noverride:\n  \"app:gw\": 1\n  \"app:gw:list\": [1, 2]\n  \"app:gw:meta.port\": 80\n  \"app:gw:meta.none\":\n";
    assert_eq!(
        errors(parse(text).expect("parses").resolve()),
        [
            ".wippy.yaml:3: field \"override.app:gw\": expected a key namespace:entry:field such as \"app:gateway:meta.port\" (no `:` between the entry and the field), found \"app:gw\"",
            ".wippy.yaml:4: field \"override.app:gw:list\": expected a boolean, number or string for the entry's field (lists, maps and null are not taken here), found a list",
            ".wippy.yaml:6: field \"override.app:gw:meta.none\": expected a boolean, number or string for the entry's field (lists, maps and null are not taken here), found null",
        ]
    );
    // From --set: no line, and it says so.
    let mut config = BootConfig::new();
    config.set("override.app:gw:meta.port=81").expect("read");
    let settings = config.resolve().expect("resolves");
    assert_eq!(
        settings.overrides[0].origin(),
        Some((Path::new("--set"), None))
    );
    // A nested map under a full key sets the dotted field, as the original flattens it.
    let text = "version: \"1.0\"\noverride:\n  \"app:gw:meta\": {port: 80}\n";
    let settings = parse(text).expect("parses").resolve().expect("resolves");
    assert_eq!(settings.overrides[0].field(), "meta.port");
    assert_eq!(settings.overrides[0].spec(), "override.app:gw:meta.port");
}

#[test]
fn a_file_that_is_not_utf8_is_named_with_the_offset() {
    let path = std::env::temp_dir().join(format!("wippy-config-utf8-{}.yaml", std::process::id()));
    std::fs::write(&path, b"version: \"1.0\"\nx: {y: \"\xff\"}\n").expect("written");
    let message = errors(BootConfig::read(&path, no_env))[0].clone();
    let _ = std::fs::remove_file(&path);
    assert!(
        message.ends_with(": not valid UTF-8 (byte 23)"),
        "{message}"
    );
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let path = Path::new("/nonexistent/dir/.wippy.yaml");
    let message = errors(BootConfig::read(path, no_env))[0].clone();
    assert!(
        message.starts_with("/nonexistent/dir/.wippy.yaml: cannot read:"),
        "{message}"
    );
}

#[test]
fn a_device_is_refused_not_read_without_end() {
    // `/dev/zero` never ends: read whole, it filled the memory.
    let message = errors(BootConfig::read(Path::new("/dev/zero"), no_env))[0].clone();
    assert!(
        message.starts_with("/dev/zero: cannot read:") && message.contains("not a regular file"),
        "{message}"
    );
}
