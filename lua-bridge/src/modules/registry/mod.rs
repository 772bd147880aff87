//! The `registry` module (`modules: [registry]`; R `runtime/lua/modules/registry`): reads
//! the runtime's registry and changes it. Entries are tables `{id = "ns:name", kind,
//! meta, data}`, where `data` holds every other field of the entry as written.
//!
//! - `registry.get(id)`: the entry and nil; nil and an error of kind `NOT_FOUND`
//!   ("entry not found: <id>"). An id that is not a string raises.
//! - `registry.find(criteria)`: the entries meeting every criterion, in load order, and
//!   nil; nil and an error of kind `INVALID` for a criterion that cannot be met
//!   (`wippy_runtime::registry::Query` lists them: `.kind`/`.name`/`.ns`/`.id` patterns,
//!   `meta.<field>` values, the `~`, `*`, `^` and `$` operators; a nested `meta = {...}`
//!   table adds `meta.<field>` criteria). A non-table argument raises.
//! - `registry.parse_id(id)`: `{ns, name}`, split at the first colon (`ns` is empty
//!   without one).
//! - Versions (`wippy_runtime::registry::Versions`: version 1 is the registry the run
//!   started with, after the empty version 0, and each applied change set makes the
//!   next): `snapshot()`,
//!   `snapshot_at(id)` (an id of at least 1, as in the original), `current_version()`,
//!   `versions()`, `history()`, `apply_version(version)` (`true, nil`; `false, err`),
//!   `build_delta(from_entries, to_entries)`. The objects are in `snapshot.rs`
//!   (Snapshot, Changes) and `version.rs` (Version, History).
//!
//! `get` and `find` read the current version at each call; a snapshot keeps the version
//! it was taken at. Applying a change set or a version publishes its operations on the
//! event bus (`Runtime::apply_registry_changes`).

mod snapshot;
mod version;

use super::errors::{fail, fail_false};
use crate::value::{push_payload, to_payload};
use crate::vm::lua::{LResult, LUA_TTABLE, Lua, Raise, cfn};
use crate::vm::state::state;
use std::ffi::c_int;
use std::sync::Arc;
use wippy_runtime::payload::{ErrorKind, Map, Payload};
use wippy_runtime::registry::{Entry, EntryId, Query, Registry};

/// Pushes the `registry` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(3)?;
    lua.new_table(0, 10);
    for (name, f) in [
        ("get", cfn(get)),
        ("find", cfn(find)),
        ("parse_id", cfn(parse_id)),
        ("snapshot", cfn(snapshot)),
        ("snapshot_at", cfn(snapshot_at)),
        ("current_version", cfn(current_version)),
        ("versions", cfn(versions)),
        ("history", cfn(history)),
        ("apply_version", cfn(apply_version)),
        ("build_delta", cfn(build_delta)),
    ] {
        lua.push_fn(f);
        lua.set_field_str(-2, name);
    }
    Ok(())
}

fn get(lua: Lua) -> LResult<c_int> {
    let id = lua.check_string(1, "get")?;
    let registry = state(lua)?.env.registry.current_registry();
    get_from(lua, &registry, &id)
}

/// `entry, nil` for the entry `id` of `registry`; `nil, err` (`NOT_FOUND`) without one.
fn get_from(lua: Lua, registry: &Registry, id: &str) -> LResult<c_int> {
    match registry.get_str(id) {
        Some(entry) => {
            push_entry(lua, entry)?;
            lua.push_nil();
            Ok(2)
        }
        None => fail(lua, ErrorKind::NotFound, format!("entry not found: {id}")),
    }
}

fn find(lua: Lua) -> LResult<c_int> {
    let query = match query_at(lua, 1, "find")? {
        Ok(query) => query,
        Err(message) => return fail(lua, ErrorKind::Invalid, message),
    };
    let registry = state(lua)?.env.registry.current_registry();
    push_entries(lua, registry.find(&query))?;
    lua.push_nil();
    Ok(2)
}

/// The criteria table at `idx` as a query; `Err` (the message) for one that cannot be
/// met. Raises when the value is not a table.
fn query_at(lua: Lua, idx: c_int, method: &str) -> LResult<Result<Query, String>> {
    if lua.kind(idx) != LUA_TTABLE {
        return Err(Raise::from(format!(
            "bad argument #{idx} to '{method}' (table expected, got {})",
            lua.type_name(idx)
        )));
    }
    let criteria = match to_payload(lua, idx) {
        Ok(Payload::Map(map)) => map,
        Ok(Payload::Array(items)) if items.is_empty() => Arc::new(Map::new()),
        Ok(_) => {
            return Ok(Err(format!(
                "registry.{method}: criteria keys must be strings"
            )));
        }
        Err(e) => return Ok(Err(format!("registry.{method}: {e}"))),
    };
    let mut query = Query::new();
    for (key, value) in criteria.iter() {
        let Some(key) = key.as_str() else {
            return Ok(Err(format!(
                "registry.{method}: criteria keys must be strings"
            )));
        };
        let added = match (key, value) {
            ("meta", Payload::Map(fields)) => fields.iter().try_for_each(|(field, value)| {
                let field = field.as_str().unwrap_or_default();
                query.add(&format!("meta.{field}"), value)
            }),
            _ => query.add(key, value),
        };
        if let Err(e) = added {
            return Ok(Err(e.to_string()));
        }
    }
    Ok(Ok(query))
}

fn parse_id(lua: Lua) -> LResult<c_int> {
    let id = lua.check_string(1, "parse_id")?;
    let (ns, name) = id.split_once(':').unwrap_or(("", &id));
    lua.ensure(3)?;
    lua.new_table(0, 2);
    lua.push_str(ns);
    lua.set_field(-2, c"ns");
    lua.push_str(name);
    lua.set_field(-2, c"name");
    Ok(1)
}

fn snapshot(lua: Lua) -> LResult<c_int> {
    let (version, registry) = state(lua)?.env.registry.snapshot();
    snapshot::push_snapshot(lua, version.id, registry);
    lua.push_nil();
    Ok(2)
}

fn snapshot_at(lua: Lua) -> LResult<c_int> {
    let id = match lua.number(1) {
        Some(n) if n >= 1.0 && n.fract() == 0.0 => n as u64,
        Some(n) => {
            return fail(
                lua,
                ErrorKind::Invalid,
                format!("invalid version id: {n} (versions taken by id start at 1)"),
            );
        }
        None => {
            return Err(Raise::from(format!(
                "bad argument #1 to 'snapshot_at' (number expected, got {})",
                lua.type_name(1)
            )));
        }
    };
    snapshot::push_snapshot_at(lua, id)
}

fn current_version(lua: Lua) -> LResult<c_int> {
    let current = state(lua)?.env.registry.current_version();
    version::push_version(lua, current.id);
    lua.push_nil();
    Ok(2)
}

fn versions(lua: Lua) -> LResult<c_int> {
    version::push_versions(lua)?;
    lua.push_nil();
    Ok(2)
}

fn history(lua: Lua) -> LResult<c_int> {
    version::push_history(lua);
    lua.push_nil();
    Ok(2)
}

fn apply_version(lua: Lua) -> LResult<c_int> {
    let Some(id) = version::version_at(lua, 1) else {
        return fail_false(
            lua,
            ErrorKind::Invalid,
            format!(
                "apply_version: a version object expected (registry.current_version() and the like), got {}",
                lua.type_name(1)
            ),
        );
    };
    match state(lua)?.handle.runtime().apply_registry_version(id) {
        Ok(_) => {
            lua.push_bool(true);
            lua.push_nil();
            Ok(2)
        }
        Err(e) => fail_false(lua, ErrorKind::Internal, format!("apply version: {e}")),
    }
}

/// An entry table read loosely, for `build_delta`: what it is compared by.
struct LooseEntry {
    id: String,
    kind: Payload,
    meta: Payload,
    data: Payload,
    /// The table as given, pushed back in the operations.
    table: Payload,
}

/// The entry tables of the list at `idx` that have a string id and a string kind (the
/// others are skipped, as the original does).
fn loose_entries(lua: Lua, idx: c_int, what: &str) -> LResult<Result<Vec<LooseEntry>, String>> {
    if lua.kind(idx) != LUA_TTABLE {
        return Ok(Err(format!(
            "build_delta: {what} must be a table of entries, got {}",
            lua.type_name(idx)
        )));
    }
    let list = match to_payload(lua, idx) {
        Ok(list) => list,
        Err(e) => return Ok(Err(format!("build_delta: {what}: {e}"))),
    };
    let items: Vec<&Payload> = match &list {
        Payload::Array(items) => items.iter().collect(),
        Payload::Map(map) => map.iter().map(|(_, v)| v).collect(),
        _ => Vec::new(),
    };
    Ok(Ok(items
        .into_iter()
        .filter_map(|item| {
            let Payload::Map(fields) = item else {
                return None;
            };
            let id = fields.get("id").and_then(Payload::as_str)?.to_owned();
            let kind = fields.get("kind").filter(|k| k.as_str().is_some())?.clone();
            let meta = fields.get("meta").cloned().unwrap_or_default();
            let data = fields.get("data").cloned().unwrap_or_default();
            Some(LooseEntry {
                id,
                kind,
                meta: empty_as_nil(meta),
                data: empty_as_nil(data),
                table: item.clone(),
            })
        })
        .collect()))
}

/// An empty table and nil compare equal in entries (both mean no fields).
fn empty_as_nil(value: Payload) -> Payload {
    match &value {
        Payload::Array(items) if items.is_empty() => Payload::Nil,
        Payload::Map(map) if map.is_empty() => Payload::Nil,
        _ => value,
    }
}

/// Whether two entry values hold the same data, as the original's `build_delta` compares
/// them (R `registry/compare.go`): numbers by value whatever their type (`1` and `1.0`
/// are the same), maps whatever their order, lists item by item.
fn same_data(a: &Payload, b: &Payload) -> bool {
    match (a, b) {
        (Payload::Int(x), Payload::Float(y)) | (Payload::Float(y), Payload::Int(x)) => {
            // The original converts both to float64 (`toFloat64`), as here.
            #[allow(clippy::cast_precision_loss)]
            let x = *x as f64;
            x == *y
        }
        (Payload::Array(x), Payload::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(x, y)| same_data(x, y))
        }
        (Payload::Map(x), Payload::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get_key(key).is_some_and(|y| same_data(x, y)))
        }
        _ => a == b,
    }
}

/// `registry.build_delta(from, to)`: the operations that turn the entries `from` into
/// `to`: a create for each entry of `to` whose id `from` has not, an update for each
/// whose kind, meta or data differ ([`same_data`]), in `to`'s order, then a delete for
/// each entry of `from` whose id `to` has not, in `from`'s order.
fn build_delta(lua: Lua) -> LResult<c_int> {
    let from = match loose_entries(lua, 1, "from_entries")? {
        Ok(list) => list,
        Err(message) => return fail(lua, ErrorKind::Invalid, message),
    };
    let to = match loose_entries(lua, 2, "to_entries")? {
        Ok(list) => list,
        Err(message) => return fail(lua, ErrorKind::Invalid, message),
    };
    let mut ops: Vec<(&'static str, &Payload)> = Vec::new();
    for target in &to {
        match from.iter().find(|e| e.id == target.id) {
            None => ops.push(("entry.create", &target.table)),
            Some(old)
                if old.kind != target.kind
                    || !same_data(&old.meta, &target.meta)
                    || !same_data(&old.data, &target.data) =>
            {
                ops.push(("entry.update", &target.table));
            }
            Some(_) => {}
        }
    }
    for old in &from {
        if !to.iter().any(|e| e.id == old.id) {
            ops.push(("entry.delete", &old.table));
        }
    }
    lua.ensure(4)?;
    lua.new_table(c_int::try_from(ops.len()).unwrap_or(0), 0);
    for (i, (kind, entry)) in (1..).zip(ops) {
        lua.new_table(0, 2);
        lua.push_str(kind);
        lua.set_field(-2, c"kind");
        push_payload(lua, entry)?;
        lua.set_field(-2, c"entry");
        lua.set_index(-2, i);
    }
    lua.push_nil();
    Ok(2)
}

/// Pushes a list of entry tables.
fn push_entries<'a>(lua: Lua, entries: impl Iterator<Item = &'a Entry>) -> LResult<()> {
    let entries: Vec<&Entry> = entries.collect();
    lua.ensure(3)?;
    lua.new_table(c_int::try_from(entries.len()).unwrap_or(0), 0);
    for (i, entry) in (1..).zip(entries) {
        push_entry(lua, entry)?;
        lua.set_index(-2, i);
    }
    Ok(())
}

/// Pushes `{id, kind, meta, data}` for `entry`.
fn push_entry(lua: Lua, entry: &Entry) -> LResult<()> {
    lua.ensure(4)?;
    lua.new_table(0, 4);
    lua.push_str(entry.id().as_str());
    lua.set_field(-2, c"id");
    lua.push_str(entry.kind());
    lua.set_field(-2, c"kind");
    for (name, map) in [(c"meta", entry.meta()), (c"data", entry.data())] {
        if map.is_empty() {
            lua.new_table(0, 0);
        } else {
            push_payload(lua, &Payload::Map(Arc::new(map.clone())))?;
        }
        lua.set_field(-2, name);
    }
    Ok(())
}

/// The entry id written `ns:name`, or given as `{ns = ..., name = ...}`, at `idx`.
fn id_at(lua: Lua, idx: c_int) -> Result<EntryId, String> {
    match to_payload(lua, idx) {
        Ok(value @ (Payload::Str(_) | Payload::Map(_))) => id_from(&value),
        _ => Err(format!(
            "an entry id (\"ns:name\" or {{ns = ..., name = ...}}) expected, got {}",
            lua.type_name(idx)
        )),
    }
}

/// The entry id `value` writes as `ns:name` or `{ns = ..., name = ...}`.
fn id_from(value: &Payload) -> Result<EntryId, String> {
    match value {
        Payload::Str(text) => {
            let text = String::from_utf8_lossy(text).into_owned();
            text.parse::<EntryId>()
                .map_err(|e| format!("{e}: {text:?}"))
        }
        Payload::Map(fields) => {
            let part = |name| fields.get(name).and_then(Payload::as_str);
            match (part("ns"), part("name")) {
                (Some(ns), Some(name)) => EntryId::new(ns, name).map_err(|e| e.to_string()),
                _ => Err("an id table needs string fields ns and name".to_owned()),
            }
        }
        _ => Err("an entry id (\"ns:name\" or {ns = ..., name = ...}) expected".to_owned()),
    }
}
