//! Finding entries by criteria: what the Lua `registry.find` asks (R
//! `system/registry/finder/finder.go`, whose rules these are).
//!
//! A [`Query`] is a set of criteria, all of which an entry must meet:
//! - `.kind`, `.name`, `.ns`, `.id` (and the same names without the dot): the entry's
//!   kind, name, namespace or whole id matches a pattern, where one `*` stands for any
//!   text (`"process.*"`, `"*.lua"`, `"app*test"`);
//! - `meta.<field>`: the metadata field equals the value (numbers compare by value; a
//!   list of strings means the field is a list holding every one of them);
//! - `~meta.<field>`: the field is a string matching a regular expression;
//! - `*meta.<field>`: the field is a string holding the text, or a list with a string
//!   that holds it;
//! - `^meta.<field>` / `$meta.<field>`: the field is a string starting / ending with it;
//! - any other bare key `<field>`: as `meta.<field>` (the module's documentation shows
//!   `{type = "test"}`; the original's finder skips such keys with a warning, so that
//!   such a query matched every entry).
//!
//! A criterion the original would skip silently (an unknown root field, a pattern that
//! is not a string, a bad regular expression) is an error here, naming the key.

use super::{Entry, Registry};
use crate::payload::Payload;
use regex::Regex;
use std::fmt;

/// Criteria an entry must all meet ([`Registry::find`]).
#[derive(Debug, Clone, Default)]
pub struct Query {
    criteria: Vec<Criterion>,
}

#[derive(Debug, Clone)]
enum Criterion {
    Root(RootField, String),
    Equals(String, Payload),
    Regex(String, Regex),
    Contains(String, String),
    Prefix(String, String),
    Suffix(String, String),
}

#[derive(Debug, Clone, Copy)]
enum RootField {
    Kind,
    Name,
    Namespace,
    Id,
}

impl RootField {
    fn parse(name: &str) -> Option<RootField> {
        match name {
            "kind" => Some(RootField::Kind),
            "name" => Some(RootField::Name),
            "ns" => Some(RootField::Namespace),
            "id" => Some(RootField::Id),
            _ => None,
        }
    }
}

/// A criterion [`Query::add`] cannot take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    key: String,
    reason: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "registry.find: criterion {:?}: {}",
            self.key, self.reason
        )
    }
}

impl std::error::Error for QueryError {}

impl Query {
    /// A query with no criteria (every entry meets it).
    pub fn new() -> Query {
        Query::default()
    }

    /// Adds the criterion of filter key `key` with `value` (see the module docs).
    ///
    /// # Errors
    ///
    /// An unknown root field (`.foo`), a pattern that is not a string, an operator key
    /// without `meta.`, or a bad regular expression.
    pub fn add(&mut self, key: &str, value: &Payload) -> Result<(), QueryError> {
        let error = |reason: String| QueryError {
            key: key.to_owned(),
            reason,
        };
        let text = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| error(format!("needs a string, got {}", value.type_name())))
        };
        if let Some(root) = key.strip_prefix('.') {
            let field = RootField::parse(root)
                .ok_or_else(|| error("is not a root field (.kind, .name, .ns or .id)".into()))?;
            self.criteria.push(Criterion::Root(field, text()?));
            return Ok(());
        }
        let (operator, field) = match key.chars().next() {
            Some(op @ ('~' | '*' | '^' | '$')) => (Some(op), &key[1..]),
            _ => (None, key),
        };
        let meta_field = match field.strip_prefix("meta.") {
            Some(name) if !name.is_empty() => name.to_owned(),
            Some(_) => return Err(error("names no metadata field".into())),
            None if operator.is_some() => {
                return Err(error(format!(
                    "must name a metadata field: {}meta.{field}",
                    key.chars().next().unwrap_or(' ')
                )));
            }
            None => {
                if let Some(root) = RootField::parse(field) {
                    self.criteria.push(Criterion::Root(root, text()?));
                    return Ok(());
                }
                field.to_owned()
            }
        };
        let criterion = match operator {
            None => Criterion::Equals(meta_field, value.clone()),
            Some('~') => {
                let regex = Regex::new(&text()?)
                    .map_err(|e| error(format!("bad regular expression: {e}")))?;
                Criterion::Regex(meta_field, regex)
            }
            Some('*') => Criterion::Contains(meta_field, text()?),
            Some('^') => Criterion::Prefix(meta_field, text()?),
            _ => Criterion::Suffix(meta_field, text()?),
        };
        self.criteria.push(criterion);
        Ok(())
    }

    /// Whether `entry` meets every criterion.
    pub fn matches(&self, entry: &Entry) -> bool {
        self.criteria.iter().all(|c| c.matches(entry))
    }
}

impl Criterion {
    fn matches(&self, entry: &Entry) -> bool {
        let meta_str = |field: &str| entry.meta().get(field).and_then(Payload::as_str);
        match self {
            Criterion::Root(field, pattern) => {
                let id = entry.id();
                let value = match field {
                    RootField::Kind => entry.kind(),
                    RootField::Name => id.name(),
                    RootField::Namespace => id.namespace(),
                    RootField::Id => id.as_str(),
                };
                glob_matches(value, pattern)
            }
            Criterion::Equals(field, expected) => entry
                .meta()
                .get(field)
                .is_some_and(|actual| meta_equals(actual, expected)),
            Criterion::Regex(field, regex) => meta_str(field).is_some_and(|s| regex.is_match(s)),
            Criterion::Contains(field, text) => match entry.meta().get(field) {
                Some(Payload::Array(items)) => items
                    .iter()
                    .filter_map(Payload::as_str)
                    .any(|s| s.contains(text.as_str())),
                Some(other) => other.as_str().is_some_and(|s| s.contains(text.as_str())),
                None => false,
            },
            Criterion::Prefix(field, text) => {
                meta_str(field).is_some_and(|s| s.starts_with(text.as_str()))
            }
            Criterion::Suffix(field, text) => {
                meta_str(field).is_some_and(|s| s.ends_with(text.as_str()))
            }
        }
    }
}

/// `value` against a pattern where one `*` stands for any text (no `*`: equality), as
/// the original's `matchGlob`.
fn glob_matches(value: &str, pattern: &str) -> bool {
    match pattern.split_once('*') {
        None => value == pattern,
        Some((prefix, suffix)) => {
            value.len() >= prefix.len() + suffix.len()
                && value.starts_with(prefix)
                && value.ends_with(suffix)
        }
    }
}

/// Metadata equality: numbers by value (YAML's `1` and Lua's `1.0` are equal), a list
/// of strings as "holds every one", anything else structurally.
fn meta_equals(actual: &Payload, expected: &Payload) -> bool {
    if let (Some(a), Some(b)) = (number(actual), number(expected)) {
        return a == b;
    }
    if let Payload::Array(wanted) = expected {
        if !wanted.is_empty() && wanted.iter().all(|w| w.as_str().is_some()) {
            let Payload::Array(held) = actual else {
                return false;
            };
            return wanted
                .iter()
                .all(|w| held.iter().any(|h| h.as_str() == w.as_str()));
        }
    }
    actual == expected
}

fn number(p: &Payload) -> Option<f64> {
    match p {
        Payload::Int(_) | Payload::Float(_) => p.as_f64(),
        _ => None,
    }
}

impl Registry {
    /// The entries that meet `query`, in load order.
    pub fn find<'a>(&'a self, query: &'a Query) -> impl Iterator<Item = &'a Entry> + 'a {
        self.iter().filter(move |e| query.matches(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        let text = "version: \"1.0\"\nnamespace: app.test\nentries:\n  - name: a\n    kind: function.lua\n    source: return {}\n    method: main\n    meta: {type: test, suite: process, order: 2, tags: [fast, core], comment: \"Spawns a child\"}\n  - name: b\n    kind: process.lua\n    source: return {}\n    meta: {type: test, suite: channel, order: 1}\n  - name: helper\n    kind: function.lua\n    source: return {}\n    method: main\n";
        let entries =
            super::super::parse_file(std::path::Path::new("_index.yaml"), text).expect("parses");
        Registry::from_entries(entries).expect("checks")
    }

    fn names(registry: &Registry, criteria: &[(&str, Payload)]) -> Vec<String> {
        let mut query = Query::new();
        for (key, value) in criteria {
            query.add(key, value).expect("criterion");
        }
        registry
            .find(&query)
            .map(|e| e.id().name().to_owned())
            .collect()
    }

    #[test]
    fn criteria_select_as_the_original_finder() {
        let r = registry();
        let s = Payload::string;
        assert_eq!(names(&r, &[]), ["a", "b", "helper"]);
        assert_eq!(names(&r, &[("meta.type", s("test"))]), ["a", "b"]);
        assert_eq!(
            names(&r, &[("type", s("test")), ("suite", s("channel"))]),
            ["b"]
        );
        assert_eq!(names(&r, &[(".kind", s("function.*"))]), ["a", "helper"]);
        assert_eq!(
            names(&r, &[("kind", s("*.lua")), (".name", s("h*"))]),
            ["helper"]
        );
        assert_eq!(names(&r, &[(".id", s("app.test:a"))]), ["a"]);
        assert_eq!(names(&r, &[(".ns", s("app.*"))]).len(), 3);
        assert_eq!(names(&r, &[("meta.order", Payload::Float(2.0))]), ["a"]);
        assert_eq!(
            names(&r, &[("meta.tags", Payload::array([s("core"), s("fast")]))]),
            ["a"]
        );
        assert_eq!(
            names(&r, &[("meta.tags", Payload::array([s("slow")]))]),
            Vec::<String>::new()
        );
        assert_eq!(names(&r, &[("~meta.comment", s("^Spawns [a-z]+"))]), ["a"]);
        assert_eq!(names(&r, &[("*meta.tags", s("as"))]), ["a"]);
        assert_eq!(names(&r, &[("^meta.suite", s("chan"))]), ["b"]);
        assert_eq!(names(&r, &[("$meta.suite", s("ess"))]), ["a"]);
    }

    #[test]
    fn criteria_the_original_would_skip_are_errors() {
        let mut query = Query::new();
        let s = Payload::string;
        assert!(
            query
                .add(".color", &s("x"))
                .unwrap_err()
                .to_string()
                .contains("not a root field")
        );
        assert!(
            query
                .add(".kind", &Payload::Int(1))
                .unwrap_err()
                .to_string()
                .contains("needs a string")
        );
        assert!(
            query
                .add("~meta.x", &s("("))
                .unwrap_err()
                .to_string()
                .contains("bad regular expression")
        );
        assert!(
            query
                .add("*type", &s("x"))
                .unwrap_err()
                .to_string()
                .contains("must name a metadata field")
        );
        assert!(query.add("meta.", &s("x")).is_err());
    }

    #[test]
    fn glob_has_one_wildcard() {
        assert!(glob_matches("process.lua", "process.lua"));
        assert!(glob_matches("process.lua", "*"));
        assert!(glob_matches("abc", "a*c"));
        assert!(!glob_matches("ac", "ab*bc"));
        assert!(!glob_matches("process.lua", "function.*"));
    }
}
