//! Typed views of the environment kinds (R `api/service/env/config.go`, `api/env/env.go`):
//! the storages `env.storage.memory`, `env.storage.os`, `env.storage.static`,
//! `env.storage.file` and `env.storage.router`, and `env.variable`, which names a variable
//! and the storage that holds it. `crate::environment` serves them to processes.
//!
//! Fields are read when the file is parsed, so a wrong one is a load error with its line.
//! What only the whole registry can tell is checked by [`check`] when the registry is
//! built: a variable's or router's storage must be a storage, two variables may not take
//! one name, and routers may not route in a circle.

use std::path::PathBuf;

use rustc_hash::FxHashMap;

use super::kinds::{get_bool, get_string, non_null};
use super::parse::Ctx;
use super::yaml::{Node, Value};
use super::{Entry, EntryConfig, EntryId, LoadError, LoadErrorKind};

/// The kind prefix every environment storage has.
pub const ENV_STORAGE_PREFIX: &str = "env.storage.";

/// Where an `env.storage.*` entry keeps its variables.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvStorage {
    /// `env.storage.memory`: values set while the runtime runs, gone when it stops.
    Memory,
    /// `env.storage.os`: the process environment; read-only.
    Os,
    /// `env.storage.static`: the entry's `values`; read-only.
    Static(Vec<(String, String)>),
    /// `env.storage.file`: a `.env` file of `KEY=VALUE` lines.
    File(EnvFile),
    /// `env.storage.router`: its `storages` in order: a read takes the first that has
    /// the variable, a write goes to the first.
    Router(Vec<EntryId>),
}

/// `env.storage.file` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvFile {
    /// `file_path`, as written (a relative path is taken from the working directory, as
    /// the original takes it).
    pub path: PathBuf,
    /// `auto_create`: a write creates the file (and its directory) when missing.
    pub auto_create: bool,
    /// `file_mode` of a created file (Unix permission bits; default 0o644).
    pub file_mode: u32,
    /// `dir_mode` of a created directory (default 0o755).
    pub dir_mode: u32,
}

/// `env.variable` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvVariable {
    /// `storage`: the storage entry that holds the value.
    pub storage: EntryId,
    /// `variable`: the name in that storage and in `env.get`; the entry's id when absent.
    pub variable: Option<String>,
    /// `default`: the value when the storage has none (empty: none).
    pub default: String,
    /// `readonly`: `env.set` refuses it.
    pub readonly: bool,
}

impl EnvVariable {
    /// The name `env.get` and the storage know it by: `variable`, or the entry id.
    pub fn name(&self, id: &EntryId) -> String {
        self.variable.clone().unwrap_or_else(|| id.to_string())
    }
}

/// The storage kinds this runtime has.
const STORAGE_KINDS: &[&str] = &["memory", "os", "static", "file", "router"];

/// `true` for the `env.storage.*` kinds this runtime has.
pub(super) fn is_storage_kind(kind: &str) -> bool {
    kind.strip_prefix(ENV_STORAGE_PREFIX)
        .is_some_and(|k| STORAGE_KINDS.contains(&k))
}

/// The typed view of an entry of a storage kind ([`is_storage_kind`]); `None` when a
/// field is wrong (the error is in `ctx`).
pub(super) fn parse_storage(ctx: &mut Ctx<'_>, kind: &str, node: &Node) -> Option<EnvStorage> {
    Some(match kind.strip_prefix(ENV_STORAGE_PREFIX)? {
        "memory" => EnvStorage::Memory,
        "os" => EnvStorage::Os,
        "static" => EnvStorage::Static(parse_values(ctx, node)),
        "file" => EnvStorage::File(parse_file(ctx, node)?),
        _ => EnvStorage::Router(parse_router(ctx, node)?),
    })
}

fn parse_values(ctx: &mut Ctx<'_>, node: &Node) -> Vec<(String, String)> {
    let Some(n) = non_null(node, "values") else {
        return Vec::new();
    };
    let Value::Map(pairs) = &n.value else {
        ctx.wrong_type(n, "values", "a map of variable names to strings");
        return Vec::new();
    };
    let mut values = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        let (Some(key), Some(text)) = (key.as_str(), value.as_str()) else {
            ctx.wrong_type(value, "values", "a map of variable names to strings");
            continue;
        };
        values.push((key.to_owned(), text.to_owned()));
    }
    values
}

fn parse_file(ctx: &mut Ctx<'_>, node: &Node) -> Option<EnvFile> {
    let Some(path) = get_string(ctx, node, "", "file_path").filter(|p| !p.is_empty()) else {
        if non_null(node, "file_path").is_none() {
            ctx.missing(node.line, "file_path", "the path of the .env file");
        }
        return None;
    };
    let mode = |ctx: &mut Ctx<'_>, key: &str, default: u32| match non_null(node, key) {
        None => Some(default),
        Some(n) => match n.value {
            Value::Int(i) => match u32::try_from(i) {
                Ok(m) if m <= 0o7777 => Some(m),
                _ => {
                    ctx.invalid(n.line, key, "permission bits (0 to 0o7777)", i.to_string());
                    None
                }
            },
            _ => {
                ctx.wrong_type(n, key, "permission bits as an integer");
                None
            }
        },
    };
    let file_mode = mode(ctx, "file_mode", 0o644);
    let dir_mode = mode(ctx, "dir_mode", 0o755);
    Some(EnvFile {
        path: PathBuf::from(path),
        auto_create: get_bool(ctx, node, "", "auto_create").unwrap_or(false),
        file_mode: file_mode?,
        dir_mode: dir_mode?,
    })
}

fn parse_router(ctx: &mut Ctx<'_>, node: &Node) -> Option<Vec<EntryId>> {
    // The normaliser has made each item a full id (or reported it).
    let ids: Vec<EntryId> = match non_null(node, "storages").map(|n| &n.value) {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|i| i.as_str().and_then(|s| s.parse().ok()))
            .collect(),
        _ => Vec::new(),
    };
    if ids.is_empty() {
        match non_null(node, "storages") {
            None => ctx.missing(node.line, "storages", "a list of env.storage entries"),
            Some(n) if matches!(&n.value, Value::Seq(items) if items.is_empty()) => ctx.invalid(
                n.line,
                "storages",
                "at least one env.storage entry",
                "[]".to_owned(),
            ),
            // Items or a value the normaliser has reported.
            Some(_) => {}
        }
        return None;
    }
    Some(ids)
}

/// The typed view of an `env.variable` entry; `None` when a field is wrong.
pub(super) fn parse_variable(ctx: &mut Ctx<'_>, node: &Node) -> Option<EnvVariable> {
    let storage = match non_null(node, "storage") {
        None => {
            ctx.missing(node.line, "storage", "an env.storage entry id");
            None
        }
        Some(n) => n.as_str().and_then(|s| s.parse::<EntryId>().ok()),
    };
    let variable = get_string(ctx, node, "", "variable");
    if let (Some(name), Some(n)) = (&variable, non_null(node, "variable")) {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            ctx.invalid(
                n.line,
                "variable",
                "a name of letters, digits and underscores",
                name.clone(),
            );
            return None;
        }
    }
    let default = get_string(ctx, node, "", "default").unwrap_or_default();
    let readonly = get_bool(ctx, node, "", "readonly").unwrap_or(false);
    Some(EnvVariable {
        storage: storage?,
        variable,
        default,
        readonly,
    })
}

/// The checks that need the whole registry (see the module docs), over the entries kept
/// and their index.
pub(super) fn check(entries: &[Entry], index: &FxHashMap<EntryId, usize>) -> Vec<LoadError> {
    let mut errors = Vec::new();
    let storage_of = |id: &EntryId| -> Option<&Entry> {
        index
            .get(id)
            .map(|&i| &entries[i])
            .filter(|e| matches!(e.config(), EntryConfig::EnvStorage(_)))
    };
    let error = |entry: &Entry, field: &str, expected: String, found: String| {
        let line = entry
            .references()
            .iter()
            .find(|r| r.field() == field || r.field().starts_with(&format!("{field}[")))
            .map_or(entry.location().line(), |r| r.line());
        LoadError::new(
            entry.location().path(),
            Some(line),
            LoadErrorKind::InvalidValue {
                expected: expected.into(),
                found,
            },
        )
        .with_entry(Some(entry.id().to_string()))
        .with_field(field)
    };
    let mut names: FxHashMap<String, &EntryId> = FxHashMap::default();
    for entry in entries {
        match entry.config() {
            EntryConfig::EnvVariable(variable) => {
                // An unknown id is reported by the reference check already.
                if index.contains_key(&variable.storage) && storage_of(&variable.storage).is_none()
                {
                    errors.push(error(
                        entry,
                        "storage",
                        "an env.storage entry (memory, os, static, file or router)".to_owned(),
                        variable.storage.to_string(),
                    ));
                }
                let name = variable.name(entry.id());
                match names.get(&name) {
                    Some(first) => errors.push(error(
                        entry,
                        "variable",
                        format!("a name no other env.variable takes ({first} takes it)"),
                        name,
                    )),
                    None => {
                        names.insert(name, entry.id());
                    }
                }
            }
            EntryConfig::EnvStorage(EnvStorage::Router(ids)) => {
                for id in ids {
                    if index.contains_key(id) && storage_of(id).is_none() {
                        errors.push(error(
                            entry,
                            "storages",
                            "env.storage entries (memory, os, static, file or router)".to_owned(),
                            id.to_string(),
                        ));
                    }
                }
                if routes_back(entry.id(), ids, &storage_of) {
                    errors.push(error(
                        entry,
                        "storages",
                        "storages that do not route back to this router".to_owned(),
                        ids.iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ));
                }
            }
            _ => {}
        }
    }
    errors
}

/// `true` when a router's storages lead back to `router` through other routers.
fn routes_back<'e>(
    router: &EntryId,
    storages: &[EntryId],
    storage_of: &dyn Fn(&EntryId) -> Option<&'e Entry>,
) -> bool {
    let mut stack: Vec<&EntryId> = storages.iter().collect();
    let mut seen: Vec<&EntryId> = Vec::new();
    while let Some(id) = stack.pop() {
        if id == router {
            return true;
        }
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        if let Some(EntryConfig::EnvStorage(EnvStorage::Router(next))) =
            storage_of(id).map(Entry::config)
        {
            stack.extend(next.iter());
        }
    }
    false
}
