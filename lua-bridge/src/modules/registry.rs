//! The `registry` module (`modules: [registry]`; R `runtime/lua/modules/registry`): reads
//! the entries the runtime loaded. Entries are tables `{id = "ns:name", kind, meta,
//! data}`, where `data` holds every other field of the entry as written.
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
//!
//! The registry of a run does not change, so the original's snapshots, versions,
//! history and change sets are absent.

use super::errors::fail;
use crate::value::{push_payload, to_payload};
use crate::vm::lua::{LResult, LUA_TTABLE, Lua, Raise, cfn};
use crate::vm::state::state;
use std::ffi::c_int;
use std::sync::Arc;
use wippy_runtime::payload::{ErrorKind, Map, Payload};
use wippy_runtime::registry::{Entry, Query};

/// Pushes the `registry` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(3)?;
    lua.new_table(0, 3);
    for (name, f) in [
        ("get", cfn(get)),
        ("find", cfn(find)),
        ("parse_id", cfn(parse_id)),
    ] {
        lua.push_fn(f);
        lua.set_field_str(-2, name);
    }
    Ok(())
}

fn get(lua: Lua) -> LResult<c_int> {
    let id = lua.check_string(1, "get")?;
    let registry = state(lua)?.env.registry.clone();
    match registry.get_str(&id) {
        Some(entry) => {
            push_entry(lua, entry)?;
            lua.push_nil();
            Ok(2)
        }
        None => fail(lua, ErrorKind::NotFound, format!("entry not found: {id}")),
    }
}

fn find(lua: Lua) -> LResult<c_int> {
    if lua.kind(1) != LUA_TTABLE {
        return Err(Raise::from(format!(
            "bad argument #1 to 'find' (table expected, got {})",
            lua.type_name(1)
        )));
    }
    let criteria = match to_payload(lua, 1) {
        Ok(Payload::Map(map)) => map,
        Ok(Payload::Array(items)) if items.is_empty() => Arc::new(Map::new()),
        Ok(_) => {
            return fail(
                lua,
                ErrorKind::Invalid,
                "registry.find: criteria keys must be strings",
            );
        }
        Err(e) => return fail(lua, ErrorKind::Invalid, format!("registry.find: {e}")),
    };
    let mut query = Query::new();
    for (key, value) in criteria.iter() {
        let Some(key) = key.as_str() else {
            return fail(
                lua,
                ErrorKind::Invalid,
                "registry.find: criteria keys must be strings",
            );
        };
        let added = match (key, value) {
            ("meta", Payload::Map(fields)) => fields.iter().try_for_each(|(field, value)| {
                let field = field.as_str().unwrap_or_default();
                query.add(&format!("meta.{field}"), value)
            }),
            _ => query.add(key, value),
        };
        if let Err(e) = added {
            return fail(lua, ErrorKind::Invalid, e.to_string());
        }
    }
    let registry = state(lua)?.env.registry.clone();
    let found: Vec<&Entry> = registry.find(&query).collect();
    lua.ensure(3)?;
    lua.new_table(c_int::try_from(found.len()).unwrap_or(0), 0);
    for (i, entry) in (1..).zip(found) {
        push_entry(lua, entry)?;
        lua.set_index(-2, i);
    }
    lua.push_nil();
    Ok(2)
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
