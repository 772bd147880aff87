//! `registry.Snapshot` and `registry.Changes`: the registry of one version, read as it
//! was; and a change set built from it.
//!
//! - Snapshot: `entries()` (`entries, nil`), `get(id)` (`entry, nil`; `nil, err`
//!   `NOT_FOUND`), `namespace(ns)` (the entries of that namespace), `find(criteria)`
//!   (`entries, nil` as `registry.find`), `changes()` (a new change set), `version()`.
//! - Changes: `create(entry)`, `update(entry)`, `delete(id)` (each returns the change
//!   set; `nil, err` `INVALID` for an entry or id that cannot be read, and the entry is
//!   checked as a definition file's would be), `ops()` (`{kind, entry}` tables, kinds
//!   `entry.create`, `entry.update`, `entry.delete`), `apply()` (the new version and nil;
//!   `nil, err`: `INVALID` for an empty set, `INTERNAL` naming the problem otherwise, as
//!   the original's kinds are). A change set applies to the registry current when it is
//!   applied, whichever snapshot it came from.

use super::version::push_version;
use super::{get_from, id_at, id_from, push_entries, push_entry, query_at};
use crate::modules::errors::fail;
use crate::value::to_payload;
use crate::vm::lua::{CFn, LResult, Lua, Raise, UserType, cfn, method_index};
use crate::vm::state::state;
use std::ffi::c_int;
use std::sync::Arc;
use wippy_runtime::payload::{ErrorKind, Map, Payload};
use wippy_runtime::registry::{Change, ChangeError, Entry, Registry};

/// The registry of one version.
struct Snapshot {
    version: u64,
    registry: Arc<Registry>,
}

/// A change set being built.
struct Changes {
    ops: Vec<Change>,
}

method_index!(fn snapshot_index {
    b"entries" => cfn(snapshot_entries),
    b"get" => cfn(snapshot_get),
    b"namespace" => cfn(snapshot_namespace),
    b"find" => cfn(snapshot_find),
    b"changes" => cfn(snapshot_changes),
    b"version" => cfn(snapshot_version),
});

method_index!(fn changes_index {
    b"ops" => cfn(changes_ops),
    b"create" => cfn(changes_create),
    b"update" => cfn(changes_update),
    b"delete" => cfn(changes_delete),
    b"apply" => cfn(changes_apply),
});

static SNAPSHOT: UserType<Snapshot> = UserType::new(
    c"registry.Snapshot",
    Some(snapshot_index as CFn),
    &[("__tostring", cfn(snapshot_tostring))],
);

static CHANGES: UserType<Changes> = UserType::new(
    c"registry.Changes",
    Some(changes_index as CFn),
    &[("__tostring", cfn(changes_tostring))],
);

/// Pushes a snapshot of version `version`, whose registry is `registry`.
pub(super) fn push_snapshot(lua: Lua, version: u64, registry: Arc<Registry>) {
    lua.push_userdata(Snapshot { version, registry }, &SNAPSHOT);
}

/// `snapshot, nil` for version `id`; `nil, err` (`NOT_FOUND`) when no version has it.
pub(super) fn push_snapshot_at(lua: Lua, id: u64) -> LResult<c_int> {
    match state(lua)?.env.registry.registry_at(id) {
        Some(registry) => {
            push_snapshot(lua, id, registry);
            lua.push_nil();
            Ok(2)
        }
        None => fail(
            lua,
            ErrorKind::NotFound,
            format!("version not found: v{id}"),
        ),
    }
}

fn this_snapshot<'a>(lua: Lua, method: &str) -> LResult<&'a Snapshot> {
    lua.userdata(1, &SNAPSHOT).map(|s| &*s).ok_or_else(|| {
        Raise::from(format!(
            "bad argument #1 to '{method}' (registry.Snapshot expected, got {}); call it as snapshot:{method}()",
            lua.type_name(1)
        ))
    })
}

fn this_changes<'a>(lua: Lua, method: &str) -> LResult<&'a mut Changes> {
    lua.userdata(1, &CHANGES).ok_or_else(|| {
        Raise::from(format!(
            "bad argument #1 to '{method}' (registry.Changes expected, got {}); call it as changes:{method}(...)",
            lua.type_name(1)
        ))
    })
}

fn snapshot_entries(lua: Lua) -> LResult<c_int> {
    let registry = this_snapshot(lua, "entries")?.registry.clone();
    push_entries(lua, registry.iter())?;
    lua.push_nil();
    Ok(2)
}

fn snapshot_get(lua: Lua) -> LResult<c_int> {
    let registry = this_snapshot(lua, "get")?.registry.clone();
    let id = lua.check_string(2, "get")?;
    get_from(lua, &registry, &id)
}

fn snapshot_namespace(lua: Lua) -> LResult<c_int> {
    let registry = this_snapshot(lua, "namespace")?.registry.clone();
    let ns = lua.check_string(2, "namespace")?;
    push_entries(lua, registry.iter().filter(|e| e.id().namespace() == ns))?;
    Ok(1)
}

fn snapshot_find(lua: Lua) -> LResult<c_int> {
    let registry = this_snapshot(lua, "find")?.registry.clone();
    let query = match query_at(lua, 2, "find")? {
        Ok(query) => query,
        Err(message) => return fail(lua, ErrorKind::Invalid, message),
    };
    push_entries(lua, registry.find(&query))?;
    lua.push_nil();
    Ok(2)
}

fn snapshot_changes(lua: Lua) -> LResult<c_int> {
    this_snapshot(lua, "changes")?;
    lua.ensure(2)?;
    lua.push_userdata(Changes { ops: Vec::new() }, &CHANGES);
    Ok(1)
}

fn snapshot_version(lua: Lua) -> LResult<c_int> {
    let version = this_snapshot(lua, "version")?.version;
    push_version(lua, version);
    Ok(1)
}

fn snapshot_tostring(lua: Lua) -> LResult<c_int> {
    let snapshot = this_snapshot(lua, "__tostring")?;
    // The original's exact text (R `registry/module.go`, asserted by its tests).
    lua.push_str(&format!(
        "registry.Snapshot{{version=v{}}}",
        snapshot.version
    ));
    Ok(1)
}

fn changes_ops(lua: Lua) -> LResult<c_int> {
    let changes = this_changes(lua, "ops")?;
    // The ops are read through the userdata, which stays at index 1.
    let ops: &[Change] = &changes.ops;
    lua.ensure(4)?;
    lua.new_table(c_int::try_from(ops.len()).unwrap_or(0), 0);
    for (i, op) in (1..).zip(ops) {
        lua.new_table(0, 2);
        lua.push_str(op.op_name());
        lua.set_field(-2, c"kind");
        match op {
            Change::Create(entry) | Change::Update(entry) => push_entry(lua, entry)?,
            Change::Delete(id) => {
                lua.new_table(0, 1);
                lua.push_str(id.as_str());
                lua.set_field(-2, c"id");
            }
        }
        lua.set_field(-2, c"entry");
        lua.set_index(-2, i);
    }
    Ok(1)
}

/// The fields map of `value`: nil and an empty table are no fields.
fn fields_of(value: Option<&Payload>, field: &str) -> Result<Map, String> {
    match value {
        None | Some(Payload::Nil) => Ok(Map::new()),
        Some(Payload::Array(items)) if items.is_empty() => Ok(Map::new()),
        Some(Payload::Map(map)) => Ok((**map).clone()),
        Some(_) => Err(format!("entry {field} must be a table of fields")),
    }
}

/// The entry the table at `idx` describes (`{id, kind, meta, data}`), checked as the
/// same entry in a definition file.
fn entry_at(lua: Lua, idx: c_int) -> Result<Entry, String> {
    let fields = match to_payload(lua, idx) {
        Ok(Payload::Map(fields)) => fields,
        // A table that cannot be copied says why (a cycle, nesting too deep).
        Err(error) if lua.kind(idx) == mlua::ffi::LUA_TTABLE => {
            return Err(format!("the entry table cannot be read: {error}"));
        }
        _ => {
            return Err(format!(
                "an entry table {{id, kind, meta, data}} expected, got {}",
                lua.type_name(idx)
            ));
        }
    };
    let id = match fields.get("id") {
        Some(value @ (Payload::Str(_) | Payload::Map(_))) => id_from(value)?,
        _ => return Err("entry must have a valid id field (\"ns:name\")".to_owned()),
    };
    let Some(kind) = fields
        .get("kind")
        .and_then(Payload::as_str)
        .filter(|k| !k.trim().is_empty())
    else {
        return Err(format!("entry {id} must have a kind field (a string)"));
    };
    let meta = fields_of(fields.get("meta"), "meta")?;
    let data = fields_of(fields.get("data"), "data")?;
    Entry::from_data(&id, kind, &meta, &data).map_err(|e| e.to_string())
}

fn add_entry(lua: Lua, method: &str, make: fn(Entry) -> Change) -> LResult<c_int> {
    this_changes(lua, method)?;
    match entry_at(lua, 2) {
        Ok(entry) => {
            this_changes(lua, method)?.ops.push(make(entry));
            lua.set_top(1);
            Ok(1)
        }
        Err(message) => fail(lua, ErrorKind::Invalid, format!("convert entry: {message}")),
    }
}

fn changes_create(lua: Lua) -> LResult<c_int> {
    add_entry(lua, "create", Change::Create)
}

fn changes_update(lua: Lua) -> LResult<c_int> {
    add_entry(lua, "update", Change::Update)
}

fn changes_delete(lua: Lua) -> LResult<c_int> {
    this_changes(lua, "delete")?;
    match id_at(lua, 2) {
        Ok(id) => {
            this_changes(lua, "delete")?.ops.push(Change::Delete(id));
            lua.set_top(1);
            Ok(1)
        }
        Err(message) => fail(
            lua,
            ErrorKind::Invalid,
            format!("invalid ID format: {message}"),
        ),
    }
}

fn changes_apply(lua: Lua) -> LResult<c_int> {
    let ops = std::mem::take(&mut this_changes(lua, "apply")?.ops);
    let applied = state(lua)?.handle.runtime().apply_registry_changes(&ops);
    // The set keeps its operations, as the original's does.
    this_changes(lua, "apply")?.ops = ops;
    match applied {
        Ok(version) => {
            push_version(lua, version.id);
            lua.push_nil();
            Ok(2)
        }
        Err(ChangeError::Empty) => fail(lua, ErrorKind::Invalid, "no changes to apply"),
        Err(e @ ChangeError::Refused { .. }) => {
            fail(lua, ErrorKind::Invalid, format!("apply changes: {e}"))
        }
        Err(e) => fail(lua, ErrorKind::Internal, format!("apply changes: {e}")),
    }
}

fn changes_tostring(lua: Lua) -> LResult<c_int> {
    let count = this_changes(lua, "__tostring")?.ops.len();
    lua.push_str(&format!("registry.Changes{{ops={count}}}"));
    Ok(1)
}
