//! `.wippy.yaml`: the runtime's own settings, as opposed to the registry's entries
//! (reference §2.3 and §3; R `cmd/internal/bootconfig/load.go`, `cmd/wippy/cmd/run.go`).
//!
//! ```yaml
//! version: "1.0"
//! logger: {encoding: json}
//! logmanager: {min_level: 1}
//! shutdown: {timeout: 45s}
//! override:
//!   "app:gateway:meta.port": 9090
//! ```
//!
//! # What is read
//!
//! - `version` is required and must be `"1.0"`, as the original requires.
//! - Every other top-level key is a *section*, a mapping. Nested mappings are flattened
//!   into dotted keys (`logger: {encoding: json}` is the setting `logger.encoding`), as
//!   the original flattens them; a list or scalar is a value.
//! - `--set section.path=value` flags ([`BootConfig::set`]) replace single settings after
//!   the file is read; their values are read as the original reads them (`true`/`false`,
//!   integers and decimals are typed, anything else is text).
//! - `${env:NAME}` in a string of the file is replaced by the environment variable
//!   `NAME` (the reference documents it; the original's code has no such step); a
//!   variable that is not set is an error, and a value that is one variable alone is
//!   typed as a `--set` value is.
//!
//! [`BootConfig::resolve`] then gives the [`Settings`] this runtime uses:
//!
//! | setting | meaning |
//! |---|---|
//! | `shutdown.timeout` | how long processes get to end after CANCEL at shutdown (Go duration text, or seconds), default 30 s |
//! | `logger.encoding` | `console` (the default) or `json` log records |
//! | `logmanager.min_level` | the least severe level logged, as zap numbers it: `-1` debug, `0` info, `1` warn, `2` and up error |
//! | `override."ns:entry:field"` | an entry field, as `-o ns:entry:field=value` sets it (an `-o` flag for the same field wins) |
//!
//! Anything else (the original's `lua`, `relay`, `cluster`, `prometheus` sections and
//! so on) is kept and listed by [`Settings::unused`], so that the command can say that
//! it has no effect here rather than drop it without a word. A setting of the wrong
//! type or value is an error naming the file, line and key (or `--set` and the key).
//!
//! Who touches what: the `wippy` command reads the file and the flags, resolves them
//! once before the registry loads, and hands the overrides to the loader; nothing here
//! is shared or changed afterwards.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::payload::MapKey;
use crate::registry::yaml::{self, Node, Value};
use crate::registry::{
    LoadError, LoadErrorKind, LoadErrors, Override, OverrideValue, parse_duration,
};

/// The settings file the command reads when `--config` does not name another.
pub const CONFIG_FILE_NAME: &str = ".wippy.yaml";

/// The `version` values this reader knows.
const SUPPORTED_VERSIONS: &[&str] = &["1.0"];

/// The original's default `shutdown.timeout`.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// The settings of one run: the file's, flattened, then `--set` flags over them.
#[derive(Debug, Clone, Default)]
pub struct BootConfig {
    /// One per key, in the order first given; a later value for a key replaces its value
    /// and origin in place.
    settings: Vec<Setting>,
    /// Where each key is in `settings`.
    index: HashMap<String, usize>,
}

/// One setting: a dotted key (`shutdown.timeout`), its value and where it was given.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    key: String,
    value: SettingValue,
    origin: Origin,
}

/// The value of a [`Setting`].
#[derive(Debug, Clone, PartialEq)]
pub enum SettingValue {
    /// An empty value (`timeout:`), which leaves the default in place.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number with a fraction or exponent.
    Float(f64),
    /// Text.
    Text(String),
    /// A list, with its number of items (no setting this runtime reads takes one).
    List(usize),
}

/// Where a [`Setting`] was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// In a settings file, at a 1-based line.
    File {
        /// The file.
        path: PathBuf,
        /// The line of the value.
        line: usize,
    },
    /// By a `--set` flag, as given.
    Flag(String),
}

/// The log record format (`logger.encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogEncoding {
    /// Human-readable lines (the default).
    Console,
    /// One JSON object per record.
    Json,
}

/// The least severe log level shown (`logmanager.min_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// zap's `-1`.
    Debug,
    /// zap's `0`.
    Info,
    /// zap's `1`.
    Warn,
    /// zap's `2` and above (dpanic, panic, fatal are errors here).
    Error,
}

impl LogLevel {
    /// The level's name as `tracing` filters write it.
    pub fn as_filter(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }
}

/// What this runtime takes from a [`BootConfig`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Settings {
    /// `shutdown.timeout`, when given.
    pub shutdown_timeout: Option<Duration>,
    /// `logger.encoding`, when given.
    pub log_encoding: Option<LogEncoding>,
    /// `logmanager.min_level`, when given.
    pub log_level: Option<LogLevel>,
    /// The `override` section, in the order given; each knows its file and line.
    pub overrides: Vec<Override>,
    /// The settings this runtime does not read, in the order given.
    pub unused: Vec<Setting>,
}

impl Setting {
    /// The dotted key, section first (`shutdown.timeout`).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The section: the key up to its first dot.
    pub fn section(&self) -> &str {
        self.key.split('.').next().unwrap_or(&self.key)
    }

    /// The value.
    pub fn value(&self) -> &SettingValue {
        &self.value
    }

    /// Where it was given.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// An error about this setting: at its file and line, or at its `--set` flag.
    fn error(&self, kind: LoadErrorKind) -> Box<LoadError> {
        match &self.origin {
            Origin::File { path, line } => LoadError::new(path, Some(*line), kind),
            Origin::Flag(_) => LoadError::new(Path::new("--set"), None, kind),
        }
        .with_field(self.key.clone())
        .into()
    }

    fn invalid(&self, expected: &'static str) -> Box<LoadError> {
        // A flag's value as typed (`1e400`, not the `inf` it reads as).
        let found = match &self.origin {
            Origin::Flag(flag) => flag.split_once('=').map_or("", |(_, v)| v).to_owned(),
            Origin::File { .. } => self.value.to_string(),
        };
        self.error(LoadErrorKind::InvalidValue {
            expected: Cow::Borrowed(expected),
            found,
        })
    }

    fn wrong_type(&self, expected: &'static str) -> Box<LoadError> {
        self.error(LoadErrorKind::WrongType {
            expected: Cow::Borrowed(expected),
            found: self.value.type_name(),
        })
    }
}

impl SettingValue {
    fn type_name(&self) -> &'static str {
        match self {
            SettingValue::Null => "null",
            SettingValue::Bool(_) => "a boolean",
            SettingValue::Int(_) => "an integer",
            SettingValue::Float(_) => "a float",
            SettingValue::Text(_) => "a string",
            SettingValue::List(_) => "a list",
        }
    }

    /// Reads a `--set` value as the original's `coerceSetValue` does.
    fn from_flag(raw: &str) -> SettingValue {
        match raw {
            "true" => return SettingValue::Bool(true),
            "false" => return SettingValue::Bool(false),
            _ => {}
        }
        if let Ok(i) = raw.parse::<i64>() {
            return SettingValue::Int(i);
        }
        match raw.parse::<f64>() {
            Ok(f) if raw.contains(['.', 'e', 'E']) => SettingValue::Float(f),
            _ => SettingValue::Text(raw.to_owned()),
        }
    }

    fn to_override_value(&self) -> Option<OverrideValue> {
        Some(match self {
            SettingValue::Bool(b) => OverrideValue::Bool(*b),
            SettingValue::Int(i) => OverrideValue::Int(*i),
            SettingValue::Float(f) => OverrideValue::Float(*f),
            SettingValue::Text(s) => OverrideValue::Text(s.clone()),
            SettingValue::Null | SettingValue::List(_) => return None,
        })
    }
}

impl std::fmt::Display for SettingValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingValue::Null => f.write_str("null"),
            SettingValue::Bool(b) => write!(f, "{b}"),
            SettingValue::Int(i) => write!(f, "{i}"),
            SettingValue::Float(x) => write!(f, "{x}"),
            SettingValue::Text(s) => f.write_str(s),
            SettingValue::List(n) => write!(f, "a list of {n}"),
        }
    }
}

impl BootConfig {
    /// No settings: every default.
    pub fn new() -> BootConfig {
        BootConfig::default()
    }

    /// Reads and parses a settings file; `env` looks up the variables of `${env:NAME}`.
    ///
    /// # Errors
    ///
    /// The file cannot be read, or [`parse`](Self::parse) fails.
    pub fn read(
        path: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<BootConfig, LoadErrors> {
        // A regular file of at most 16 MiB: `--config /dev/zero` was read without end.
        let bytes = crate::regular_file::read(path).map_err(|e| {
            LoadErrors::one(LoadError::new(path, None, LoadErrorKind::Io(Arc::new(e))))
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            LoadErrors::one(LoadError::new(path, None, LoadErrorKind::NotUtf8(at)))
        })?;
        BootConfig::parse(path, &text, env)
    }

    /// Parses a settings file's text (`path` is for messages); `env` looks up the
    /// variables of `${env:NAME}`.
    ///
    /// # Errors
    ///
    /// YAML syntax; no `version`, or one other than `"1.0"`; a section that is not a
    /// mapping; a `${env:...}` that names no set variable or is not closed (every
    /// problem found).
    pub fn parse(
        path: &Path,
        text: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<BootConfig, LoadErrors> {
        let root = yaml::parse(text).map_err(|e| {
            let kind = if e.unsupported {
                LoadErrorKind::Unsupported(e.message)
            } else {
                LoadErrorKind::Syntax(e.message)
            };
            LoadErrors::one(LoadError::new(path, Some(e.line), kind))
        })?;
        let error = |line: usize, field: &str, kind: LoadErrorKind| {
            LoadError::new(path, Some(line), kind).with_field(field)
        };
        let root = match root {
            Some(node) if matches!(node.value, Value::Map(_)) => node,
            Some(node) => {
                let kind = LoadErrorKind::WrongType {
                    expected: Cow::Borrowed("a map with version and sections"),
                    found: node.type_name(),
                };
                return Err(LoadErrors::one(LoadError::new(path, Some(node.line), kind)));
            }
            None => {
                let kind = LoadErrorKind::MissingField {
                    expected: Cow::Borrowed("version: \"1.0\""),
                };
                return Err(LoadErrors::one(
                    LoadError::new(path, Some(1), kind).with_field("version"),
                ));
            }
        };
        let mut errors = Vec::new();
        match root.get("version") {
            None => errors.push(error(
                root.line,
                "version",
                LoadErrorKind::MissingField {
                    expected: Cow::Borrowed("version: \"1.0\""),
                },
            )),
            // Go's yaml.v3 reads any scalar into the original's `Version string`, so an
            // unquoted `1.0` is the version "1.0" too.
            Some(v) if matches!(v.value, Value::Float(f) if f == 1.0) => {}
            Some(v) => match v.as_str() {
                Some(s) if SUPPORTED_VERSIONS.contains(&s) => {}
                Some(s) => errors.push(error(
                    v.line,
                    "version",
                    LoadErrorKind::InvalidValue {
                        expected: Cow::Borrowed("\"1.0\" (the one version there is)"),
                        found: s.to_owned(),
                    },
                )),
                None => errors.push(error(
                    v.line,
                    "version",
                    LoadErrorKind::WrongType {
                        expected: Cow::Borrowed("the string \"1.0\""),
                        found: v.type_name(),
                    },
                )),
            },
        }
        let mut config = BootConfig::new();
        for (key, section) in root.as_map().unwrap_or(&[]) {
            let name = key_text(key);
            if name == "version" {
                continue;
            }
            match &section.value {
                Value::Map(_) => {
                    let mut flat = Vec::new();
                    flatten(section, &name, &mut flat);
                    for (key, node) in flat {
                        match leaf_value(node, &env) {
                            Ok(value) => config.put(Setting {
                                key,
                                value,
                                origin: Origin::File {
                                    path: path.to_path_buf(),
                                    line: node.line,
                                },
                            }),
                            Err(kind) => errors.push(error(node.line, &key, kind)),
                        }
                    }
                }
                // An empty section sets nothing.
                Value::Null => {}
                _ => errors.push(error(
                    section.line,
                    &name,
                    LoadErrorKind::WrongType {
                        expected: Cow::Borrowed("a section (a map of settings)"),
                        found: section.type_name(),
                    },
                )),
            }
        }
        LoadErrors::from_vec(errors).map_or(Ok(config), Err)
    }

    /// Applies one `--set section.path=value` flag over what is there.
    ///
    /// # Errors
    ///
    /// No `=`, or a key that is not a section and a path such as `cluster.enabled`.
    pub fn set(&mut self, flag: &str) -> Result<(), LoadErrors> {
        let fail = |expected: &'static str| {
            LoadErrors::one(LoadError::new(
                Path::new("--set"),
                None,
                LoadErrorKind::InvalidValue {
                    expected: Cow::Borrowed(expected),
                    found: flag.to_owned(),
                },
            ))
        };
        let (key, raw) = flag
            .split_once('=')
            .ok_or_else(|| fail("section.path=value (e.g. shutdown.timeout=45s), with an `=`"))?;
        let key = key.trim();
        match key.find('.') {
            Some(dot) if dot > 0 && dot < key.len() - 1 => {}
            _ => {
                return Err(fail(
                    "a key of a section and a path (e.g. shutdown.timeout)",
                ));
            }
        }
        self.put(Setting {
            key: key.to_owned(),
            value: SettingValue::from_flag(raw),
            origin: Origin::Flag(flag.to_owned()),
        });
        Ok(())
    }

    /// Every setting, in the order first given.
    pub fn settings(&self) -> &[Setting] {
        &self.settings
    }

    /// The settings this runtime uses, checked.
    ///
    /// # Errors
    ///
    /// Every setting of the wrong type or value, at its file and line (or flag).
    pub fn resolve(&self) -> Result<Settings, LoadErrors> {
        let mut settings = Settings::default();
        let mut errors = Vec::new();
        for setting in &self.settings {
            // An empty value leaves the default; an override has no default to leave.
            if setting.value == SettingValue::Null && !setting.key.starts_with("override.") {
                continue;
            }
            match setting.key.as_str() {
                "shutdown.timeout" => match shutdown_timeout(setting) {
                    Ok(timeout) => settings.shutdown_timeout = Some(timeout),
                    Err(e) => errors.push(*e),
                },
                "logger.encoding" => match &setting.value {
                    SettingValue::Text(s) if s == "json" => {
                        settings.log_encoding = Some(LogEncoding::Json);
                    }
                    SettingValue::Text(s) if s == "console" || s.is_empty() => {
                        settings.log_encoding = Some(LogEncoding::Console);
                    }
                    SettingValue::Text(_) => errors.push(*setting.invalid("json or console")),
                    _ => errors.push(*setting.wrong_type("the string json or console")),
                },
                "logmanager.min_level" => match setting.value {
                    SettingValue::Int(level @ -1..=5) => {
                        settings.log_level = Some(match level {
                            -1 => LogLevel::Debug,
                            0 => LogLevel::Info,
                            1 => LogLevel::Warn,
                            _ => LogLevel::Error,
                        });
                    }
                    SettingValue::Int(_) => errors.push(*setting.invalid(
                        "a zap level from -1 (debug) to 5 (fatal): -1 debug, 0 info, 1 warn, 2 error",
                    )),
                    _ => errors.push(*setting.wrong_type(
                        "a zap level number: -1 debug, 0 info, 1 warn, 2 error",
                    )),
                },
                key if key.starts_with("override.") => match entry_override(setting) {
                    Ok(o) => settings.overrides.push(o),
                    Err(e) => errors.push(*e),
                },
                _ => settings.unused.push(setting.clone()),
            }
        }
        LoadErrors::from_vec(errors).map_or(Ok(settings), Err)
    }

    /// Adds `setting`, or replaces the value and origin of the one with its key.
    fn put(&mut self, setting: Setting) {
        match self.index.get(&setting.key) {
            Some(&at) => self.settings[at] = setting,
            None => {
                self.index.insert(setting.key.clone(), self.settings.len());
                self.settings.push(setting);
            }
        }
    }
}

/// The longest duration Go has (`time.Duration` is `int64` nanoseconds, about 292
/// years): the most `shutdown.timeout` may be.
const MAX_DURATION: Duration = Duration::from_nanos(i64::MAX as u64);

/// `shutdown.timeout`: Go duration text (`"45s"`, `"1m30s"`) or a number of seconds, at
/// most Go's longest duration.
fn shutdown_timeout(setting: &Setting) -> Result<Duration, Box<LoadError>> {
    const EXPECTED: &str =
        "a duration such as \"45s\" or \"1m30s\", or a number of seconds, at most 292 years";
    let timeout = match &setting.value {
        SettingValue::Text(s) => parse_duration(s.trim()).map_err(|_| setting.invalid(EXPECTED)),
        SettingValue::Int(i) => u64::try_from(*i)
            .map(Duration::from_secs)
            .map_err(|_| setting.invalid(EXPECTED)),
        SettingValue::Float(x) => {
            Duration::try_from_secs_f64(*x).map_err(|_| setting.invalid(EXPECTED))
        }
        _ => Err(setting.wrong_type(EXPECTED)),
    }?;
    if timeout > MAX_DURATION {
        return Err(setting.invalid(EXPECTED));
    }
    Ok(timeout)
}

/// One `override."ns:entry:field"` setting as an entry [`Override`].
fn entry_override(setting: &Setting) -> Result<Override, Box<LoadError>> {
    let target = &setting.key["override.".len()..];
    let Some(value) = setting.value.to_override_value() else {
        return Err(setting.wrong_type(
            "a boolean, number or string for the entry's field (lists, maps and null are not taken here)",
        ));
    };
    let spec = match &setting.origin {
        Origin::File { .. } => setting.key.clone(),
        Origin::Flag(flag) => format!("--set {flag}"),
    };
    let located = match &setting.origin {
        Origin::File { path, line } => (path.clone(), Some(*line)),
        Origin::Flag(_) => (PathBuf::from("--set"), None),
    };
    Override::with_value(target, value, spec, Some(located)).map_err(|e| {
        setting.error(LoadErrorKind::InvalidValue {
            expected: Cow::Owned(format!(
                "a key namespace:entry:field such as \"app:gateway:meta.port\" ({})",
                e.reason()
            )),
            found: target.to_owned(),
        })
    })
}

/// Collects the leaves under the mapping `node`, keyed `prefix.key.key...`.
fn flatten<'a>(node: &'a Node, prefix: &str, out: &mut Vec<(String, &'a Node)>) {
    for (key, child) in node.as_map().unwrap_or(&[]) {
        let key = format!("{prefix}.{}", key_text(key));
        match child.value {
            Value::Map(ref pairs) if !pairs.is_empty() => flatten(child, &key, out),
            _ => out.push((key, child)),
        }
    }
}

/// A leaf as a setting value, with `${env:NAME}` replaced in text.
fn leaf_value(
    node: &Node,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<SettingValue, LoadErrorKind> {
    Ok(match &node.value {
        Value::Null => SettingValue::Null,
        Value::Bool(b) => SettingValue::Bool(*b),
        Value::Int(i) => SettingValue::Int(*i),
        Value::Float(f) => SettingValue::Float(*f),
        // A value that is one variable alone is typed as a `--set` value is (`"${env:T}"`
        // with T=5 is the number 5); in longer text the variable is text.
        Value::Str(s) => {
            let text = interpolate(s, env)?;
            if text != *s && is_one_variable(s) {
                SettingValue::from_flag(&text)
            } else {
                SettingValue::Text(text)
            }
        }
        Value::Seq(items) => SettingValue::List(items.len()),
        // An empty mapping (`{}`): flatten keeps it as a leaf, with nothing to set.
        Value::Map(_) => SettingValue::Null,
    })
}

/// `true` when `text` is exactly one `${env:NAME}`.
fn is_one_variable(text: &str) -> bool {
    text.strip_prefix("${env:")
        .and_then(|rest| rest.strip_suffix('}'))
        .is_some_and(|name| !name.contains('}'))
}

/// Replaces each `${env:NAME}` in `text` with the variable's value.
fn interpolate(text: &str, env: &impl Fn(&str) -> Option<String>) -> Result<String, LoadErrorKind> {
    const OPEN: &str = "${env:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len()..];
        let Some(close) = after.find('}') else {
            return Err(LoadErrorKind::InvalidValue {
                expected: Cow::Borrowed("${env:NAME} closed by `}`"),
                found: text.to_owned(),
            });
        };
        let name = &after[..close];
        match env(name) {
            Some(value) if !name.is_empty() => out.push_str(&value),
            _ => {
                return Err(LoadErrorKind::InvalidValue {
                    expected: Cow::Owned(format!(
                        "${{env:{name}}} to name an environment variable that is set (with \
                         text); {name:?} is not"
                    )),
                    found: text.to_owned(),
                });
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A mapping key as text (YAML allows numbers and booleans as keys).
fn key_text(key: &MapKey) -> String {
    match key {
        MapKey::Str(_) => key.as_str().map_or_else(|| key.to_string(), str::to_owned),
        MapKey::Int(i) => i.to_string(),
        MapKey::Bool(b) => b.to_string(),
        MapKey::Float(f) => f.get().to_string(),
    }
}

#[cfg(test)]
mod tests;
