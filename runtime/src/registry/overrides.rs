//! Entry overrides: `wippy run -o namespace:entry:field=value` sets one field of one
//! entry before the registry is checked, as the original's override stage does
//! (R `cmd/wippy/cmd/run.go` `parseOverride`, `boot/build/stages/override.go`).
//!
//! - The field is a dotted path (`meta.port`, `lifecycle.auto_start`); missing maps on
//!   the way are made, and a field the entry keeps under `data:` is set there.
//! - The value is read as the original reads it: `true`/`false` (any case) are booleans,
//!   a decimal integer is an integer, text with `.`, `e` or `E` that parses as a float is
//!   a float, anything else is the text as given.
//! - The overridden entry is then checked like any other, so a bad value is reported
//!   as a field error of that entry (at the entry's line); an override for an entry no
//!   file defines, or whose path crosses a value that is not a map, is a load error too.
//!
//! Who touches what: the CLI parses the flags ([`Override::parse`]), and the settings
//! file's `override` section comes through [`Override::with_value`]; the loader
//! ([`Registry::load_dirs_with`](super::Registry::load_dirs_with)) applies them to the
//! YAML tree of each matching entry in `parse.rs`, and reports the ones never used.

use std::fmt;
use std::path::{Path, PathBuf};

use super::EntryId;
use super::yaml::{Node, Value};
use crate::payload::MapKey;

/// One `-o namespace:entry:field=value`, or one `override` setting of the settings file
/// (`config.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    entry: EntryId,
    path: Vec<String>,
    value: OverrideValue,
    spec: String,
    /// Where it was given, when not by `-o`: the settings file and line, or `--set`
    /// (no line).
    origin: Option<(PathBuf, Option<usize>)>,
}

/// An override's value, read as the original reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum OverrideValue {
    /// `true` or `false`, in any case.
    Bool(bool),
    /// A decimal integer, written canonically.
    Int(i64),
    /// A number with `.`, `e` or `E`.
    Float(f64),
    /// Anything else, as given.
    Text(String),
}

/// Why an override flag could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideError {
    spec: String,
    reason: String,
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid override {:?}: {} (expected namespace:entry:field=value)",
            self.spec, self.reason
        )
    }
}

impl std::error::Error for OverrideError {}

impl OverrideError {
    /// What is wrong with it ("no `=`", "empty field", ...).
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl Override {
    /// Reads `namespace:entry:field=value`.
    ///
    /// # Errors
    ///
    /// No `=`, fewer than two `:` before it, an empty namespace, entry name or field (or
    /// an empty part of a dotted field), or a namespace or name an entry id cannot have.
    pub fn parse(spec: &str) -> Result<Override, OverrideError> {
        let (key, value) = spec.split_once('=').ok_or_else(|| OverrideError {
            spec: spec.to_owned(),
            reason: "no `=`".to_owned(),
        })?;
        Override::with_value(key, OverrideValue::read(value), spec.to_owned(), None)
    }

    /// An override of `namespace:entry:field` (the key of a settings file's `override`
    /// section) to `value`; `spec` names it in messages, `origin` is the settings file
    /// and line it was given at.
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse), for the key.
    pub fn with_value(
        key: &str,
        value: OverrideValue,
        spec: String,
        origin: Option<(PathBuf, Option<usize>)>,
    ) -> Result<Override, OverrideError> {
        let fail = |reason: &str| OverrideError {
            spec: spec.clone(),
            reason: reason.to_owned(),
        };
        let (namespace, rest) = key.split_once(':').ok_or_else(|| fail("no `:`"))?;
        let (name, field) = rest
            .split_once(':')
            .ok_or_else(|| fail("no `:` between the entry and the field"))?;
        let (namespace, name, field) = (namespace.trim(), name.trim(), field.trim());
        if namespace.is_empty() {
            return Err(fail("empty namespace"));
        }
        if name.is_empty() {
            return Err(fail("empty entry name"));
        }
        let path: Vec<String> = field.split('.').map(str::to_owned).collect();
        if field.is_empty() || path.iter().any(String::is_empty) {
            return Err(fail("empty field"));
        }
        let entry = EntryId::new(namespace, name).map_err(|e| fail(&e.to_string()))?;
        Ok(Override {
            entry,
            path,
            value,
            spec,
            origin,
        })
    }

    /// The entry this override changes.
    pub fn entry(&self) -> &EntryId {
        &self.entry
    }

    /// The field, as a dotted path.
    pub fn field(&self) -> String {
        self.path.join(".")
    }

    /// The value the field gets.
    pub fn value(&self) -> &OverrideValue {
        &self.value
    }

    /// The flag as given (for a settings file's override: `override.` and its key).
    pub fn spec(&self) -> &str {
        &self.spec
    }

    /// Where this override was given when not by `-o`: the settings file and line, or
    /// `--set` (no line); `None` for `-o`.
    pub fn origin(&self) -> Option<(&Path, Option<usize>)> {
        self.origin
            .as_ref()
            .map(|(path, line)| (path.as_path(), *line))
    }

    /// Sets the field in the YAML tree of the entry (`entry`, a mapping at `line`).
    ///
    /// Errors: the dotted path crosses a value that is not a map (its path so far, and
    /// what it is).
    pub(crate) fn apply(&self, entry: &mut Node) -> Result<(), (String, &'static str)> {
        let line = entry.line;
        // A field the entry keeps under `data:` is set there (inline and under `data:`
        // at once would be a duplicate field).
        let under_data = entry
            .get("data")
            .and_then(|d| d.get(&self.path[0]))
            .is_some();
        let data_index = under_data
            .then(|| entry.as_map())
            .flatten()
            .and_then(|pairs| pairs.iter().position(|(k, _)| k.as_str() == Some("data")));
        let mut at: &mut Node = match (data_index, &mut entry.value) {
            (Some(i), Value::Map(pairs)) => &mut pairs[i].1,
            _ => entry,
        };
        // `parse` refuses an empty field, so there is a last segment.
        let Some((last, parents)) = self.path.split_last() else {
            return Ok(());
        };
        for (depth, key) in parents.iter().enumerate() {
            let found = at.type_name();
            let Value::Map(pairs) = &mut at.value else {
                return Err((self.path[..depth].join("."), found));
            };
            let index = match pairs.iter().position(|(k, _)| k.as_str() == Some(key)) {
                Some(i) => i,
                None => {
                    pairs.push((
                        MapKey::from(key.as_str()),
                        Node::new(Value::Map(Vec::new()), line),
                    ));
                    pairs.len() - 1
                }
            };
            at = &mut pairs[index].1;
        }
        let found = at.type_name();
        let Value::Map(pairs) = &mut at.value else {
            return Err((parents.join("."), found));
        };
        let value = Node::new(self.value.to_yaml(), line);
        match pairs.iter_mut().find(|(k, _)| k.as_str() == Some(last)) {
            Some((_, slot)) => *slot = value,
            None => pairs.push((MapKey::from(last.as_str()), value)),
        }
        Ok(())
    }
}

impl OverrideValue {
    fn read(raw: &str) -> OverrideValue {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return OverrideValue::Text(raw.to_owned());
        }
        if trimmed.eq_ignore_ascii_case("true") {
            return OverrideValue::Bool(true);
        }
        if trimmed.eq_ignore_ascii_case("false") {
            return OverrideValue::Bool(false);
        }
        if let Ok(i) = trimmed.parse::<i64>()
            && i.to_string() == trimmed
        {
            return OverrideValue::Int(i);
        }
        if trimmed.contains(['.', 'e', 'E'])
            && let Ok(f) = trimmed.parse::<f64>()
        {
            return OverrideValue::Float(f);
        }
        OverrideValue::Text(raw.to_owned())
    }

    fn to_yaml(&self) -> Value {
        match self {
            OverrideValue::Bool(b) => Value::Bool(*b),
            OverrideValue::Int(i) => Value::Int(*i),
            OverrideValue::Float(f) => Value::Float(*f),
            OverrideValue::Text(s) => Value::Str(s.clone()),
        }
    }
}

/// The overrides of one load, and which of them matched an entry.
pub(crate) struct Overrides<'a> {
    list: &'a [Override],
    used: Vec<bool>,
}

impl<'a> Overrides<'a> {
    pub(crate) fn new(list: &'a [Override]) -> Overrides<'a> {
        Overrides {
            list,
            used: vec![false; list.len()],
        }
    }

    /// The overrides for entry `namespace:name`, marked used.
    pub(crate) fn take_for(&mut self, namespace: &str, name: &str) -> Vec<&'a Override> {
        let mut found = Vec::new();
        for (o, used) in self.list.iter().zip(&mut self.used) {
            if o.entry.namespace() == namespace && o.entry.name() == name {
                *used = true;
                found.push(o);
            }
        }
        found
    }

    /// The overrides no entry matched.
    pub(crate) fn unused(&self) -> impl Iterator<Item = &'a Override> + '_ {
        self.list
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|(o, _)| o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_is_read_as_the_original_reads_it() {
        let o = Override::parse("app:gateway:meta.port=8080").expect("valid");
        assert_eq!(o.entry().to_string(), "app:gateway");
        assert_eq!(o.field(), "meta.port");
        assert_eq!(o.value(), &OverrideValue::Int(8080));
        let value = |spec: &str| Override::parse(spec).expect("valid").value().clone();
        assert_eq!(value("a:b:c=TRUE"), OverrideValue::Bool(true));
        assert_eq!(value("a:b:c=false"), OverrideValue::Bool(false));
        assert_eq!(value("a:b:c=1.5"), OverrideValue::Float(1.5));
        assert_eq!(value("a:b:c=1e3"), OverrideValue::Float(1000.0));
        assert_eq!(value("a:b:c=007"), OverrideValue::Text("007".into()));
        assert_eq!(value("a:b:c=:8080"), OverrideValue::Text(":8080".into()));
        assert_eq!(value("a:b:c=x=y"), OverrideValue::Text("x=y".into()));
        assert_eq!(value("a:b:c="), OverrideValue::Text(String::new()));
        assert_eq!(value("app.lib:b:c= 5 "), OverrideValue::Int(5));
    }

    #[test]
    fn malformed_flags_say_what_is_wrong() {
        for (spec, reason) in [
            ("app:gateway:port", "no `=`"),
            ("app=1", "no `:`"),
            ("app:gateway=1", "no `:` between"),
            (":gateway:port=1", "empty namespace"),
            ("app::port=1", "empty entry name"),
            ("app:gateway:=1", "empty field"),
            ("app:gateway:meta..port=1", "empty field"),
        ] {
            let e = Override::parse(spec).expect_err(spec).to_string();
            assert!(e.contains(reason) && e.contains(spec), "{spec}: {e}");
        }
    }
}
