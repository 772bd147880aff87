//! Registry changes: the operations of a change set ([`Change`]), and entries built from
//! plain data ([`Entry::from_data`]) for them, as the Lua `registry` module's
//! `changes:create{id, kind, meta, data}` makes them.
//!
//! An entry built from data goes through the same reader as a definition file (a
//! document `{namespace, entries = [{name, kind, meta, ...data}]}` is built from it), so
//! it is checked and typed exactly as the same entry written in YAML would be; its
//! errors name [`CHANGE_ORIGIN`] instead of a file, and no line. A `file://` value is an
//! error: there is no file to read it beside.

use std::path::Path;

use super::error::{LoadError, LoadErrorKind, LoadErrors};
use super::parse::parse_document;
use super::yaml::{Node, Value};
use super::{Entry, EntryId};
use crate::payload::{Map, MapKey, Payload};

/// What the errors of an entry built from data name as its file.
pub const CHANGE_ORIGIN: &str = "registry change";

/// One operation of a change set.
#[derive(Debug, Clone)]
pub enum Change {
    /// Adds an entry whose id the registry does not have.
    Create(Entry),
    /// Replaces the entry of the same id.
    Update(Entry),
    /// Removes the entry of this id.
    Delete(EntryId),
}

impl Change {
    /// The operation's name in the original's change sets: `entry.create`,
    /// `entry.update` or `entry.delete`.
    pub fn op_name(&self) -> &'static str {
        match self {
            Change::Create(_) => "entry.create",
            Change::Update(_) => "entry.update",
            Change::Delete(_) => "entry.delete",
        }
    }

    /// The id a delete removes (`None` for a create or an update).
    pub fn deleted_id(&self) -> Option<&EntryId> {
        match self {
            Change::Delete(id) => Some(id),
            Change::Create(_) | Change::Update(_) => None,
        }
    }

    /// The id of the entry it is about.
    pub fn id(&self) -> &EntryId {
        match self {
            Change::Create(entry) | Change::Update(entry) => entry.id(),
            Change::Delete(id) => id,
        }
    }
}

impl super::Registry {
    /// The operations that turn this registry into `to`: a create for each entry of
    /// `to` this one has not, an update for each whose contents differ (another
    /// [revision](Entry::revision)), in `to`'s order; then a delete for each entry `to`
    /// has not, in this one's order.
    pub fn changes_to(&self, to: &super::Registry) -> Vec<Change> {
        let mut changes: Vec<Change> = to
            .iter()
            .filter_map(|entry| match self.get(entry.id()) {
                None => Some(Change::Create(entry.clone())),
                Some(old) if old.revision() != entry.revision() => {
                    Some(Change::Update(entry.clone()))
                }
                Some(_) => None,
            })
            .collect();
        changes.extend(
            self.iter()
                .filter(|entry| to.get(entry.id()).is_none())
                .map(|entry| Change::Delete(entry.id().clone())),
        );
        changes
    }
}

impl Entry {
    /// The entry as plain data, `{id, kind, meta, data}`: the shape of the Lua
    /// `registry` module's entry tables and of the registry's events.
    pub fn to_payload(&self) -> Payload {
        Payload::map([
            ("id", Payload::from(self.id().as_str())),
            ("kind", Payload::from(self.kind())),
            ("meta", Payload::from(self.meta().clone())),
            ("data", Payload::from(self.data().clone())),
        ])
    }
}

/// The fields of an entry that its data cannot hold: in a definition file, data fields
/// sit beside these.
const RESERVED_FIELDS: [&str; 3] = ["name", "kind", "meta"];

impl Entry {
    /// Builds the entry `id` of `kind` from its metadata and data, checked and typed as
    /// the same entry in a definition file: `{name, kind, meta, ...data}` in a file of
    /// `id`'s namespace (so references in `data` default to that namespace). A `file://`
    /// value is not read (there is no file to read it beside) and is an error.
    ///
    /// # Errors
    ///
    /// Every problem found, each naming the entry and the field: a data field named
    /// `name`, `kind` or `meta`; a value a definition file cannot hold (a string that is
    /// not UTF-8, an error value); the problems a definition file would have (a missing
    /// or mistyped field of the kind, such as a `function.lua` without `source`).
    pub fn from_data(
        id: &EntryId,
        kind: &str,
        meta: &Map,
        data: &Map,
    ) -> Result<Entry, LoadErrors> {
        let origin = Path::new(CHANGE_ORIGIN);
        let problem = |field: String, kind: LoadErrorKind| {
            LoadError::new(origin, None, kind)
                .with_entry(Some(id.to_string()))
                .with_field(field)
        };
        let mut errors = Vec::new();
        let mut fields = vec![
            (key("name"), node(Value::Str(id.name().to_owned()))),
            (key("kind"), node(Value::Str(kind.to_owned()))),
        ];
        if !meta.is_empty() {
            match map_node(meta, "meta") {
                Ok(n) => fields.push((key("meta"), n)),
                Err((field, kind)) => errors.push(problem(field, kind)),
            }
        }
        for (name, value) in data.iter() {
            let field = key_text(name);
            if RESERVED_FIELDS.contains(&field.as_str()) {
                errors.push(problem(
                    field,
                    LoadErrorKind::InvalidValue {
                        expected: "a data field other than name, kind and meta (an entry's \
                                   data fields sit beside those)"
                            .into(),
                        found: "a data field of that name".into(),
                    },
                ));
                continue;
            }
            match value_node(value, &field) {
                Ok(n) => fields.push((name.clone(), n)),
                Err((field, kind)) => errors.push(problem(field, kind)),
            }
        }
        if let Some(errors) = LoadErrors::from_vec(errors) {
            return Err(errors);
        }
        let document = node(Value::Map(vec![
            (
                key("namespace"),
                node(Value::Str(id.namespace().to_owned())),
            ),
            (
                key("entries"),
                node(Value::Seq(vec![node(Value::Map(fields))])),
            ),
        ]));
        let mut errors = Vec::new();
        let mut entries = parse_document(origin, Path::new(""), &document, None, None, &mut errors);
        let errors: Vec<LoadError> = errors.into_iter().map(LoadError::without_line).collect();
        match (LoadErrors::from_vec(errors), entries.pop()) {
            (None, Some(entry)) => Ok(entry),
            (Some(errors), _) => Err(errors),
            (None, None) => Err(LoadErrors::one(problem(
                String::new(),
                LoadErrorKind::MissingField {
                    expected: "an entry".into(),
                },
            ))),
        }
    }
}

fn key(name: &str) -> MapKey {
    MapKey::Str(name.into())
}

fn node(value: Value) -> Node {
    Node::new(value, 0)
}

fn key_text(key: &MapKey) -> String {
    match key {
        MapKey::Str(s) => String::from_utf8_lossy(s).into_owned(),
        MapKey::Int(i) => i.to_string(),
        MapKey::Bool(b) => b.to_string(),
        MapKey::Float(f) => f.get().to_string(),
    }
}

type NodeError = (String, LoadErrorKind);

fn map_node(map: &Map, field: &str) -> Result<Node, NodeError> {
    let mut pairs = Vec::with_capacity(map.len());
    for (k, v) in map.iter() {
        let path = format!("{field}.{}", key_text(k));
        if let MapKey::Str(s) = k {
            if std::str::from_utf8(s).is_err() {
                return Err(not_utf8(path));
            }
        }
        pairs.push((k.clone(), value_node(v, &path)?));
    }
    Ok(node(Value::Map(pairs)))
}

/// `value` as a node of a definition document; `field` names it in errors.
fn value_node(value: &Payload, field: &str) -> Result<Node, NodeError> {
    Ok(node(match value {
        Payload::Nil => Value::Null,
        Payload::Bool(b) => Value::Bool(*b),
        Payload::Int(i) => Value::Int(*i),
        Payload::Float(f) => Value::Float(*f),
        Payload::Str(s) => match std::str::from_utf8(s) {
            Ok(text) if text.starts_with(super::parse::FILE_SCHEME) => {
                return Err((
                    field.to_owned(),
                    LoadErrorKind::InvalidValue {
                        expected: "a value (file:// values are read only from definition files)"
                            .into(),
                        found: text.to_owned(),
                    },
                ));
            }
            Ok(text) => Value::Str(text.to_owned()),
            Err(_) => return Err(not_utf8(field.to_owned())),
        },
        Payload::Array(items) => Value::Seq(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| value_node(item, &format!("{field}[{}]", i + 1)))
                .collect::<Result<_, _>>()?,
        ),
        Payload::Map(map) => return map_node(map, field),
        Payload::Error(_) => {
            return Err((
                field.to_owned(),
                LoadErrorKind::WrongType {
                    expected: "plain data (nil, a boolean, a number, a string or a table)".into(),
                    found: "an error value",
                },
            ));
        }
    }))
}

fn not_utf8(field: String) -> NodeError {
    (
        field,
        LoadErrorKind::InvalidValue {
            expected: "UTF-8 text (a definition file holds text)".into(),
            found: "a string with bytes that are not UTF-8".into(),
        },
    )
}
