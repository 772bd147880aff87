//! `registry.Version` and `registry.History`.
//!
//! - Version: `id()` (0 for the registry the run started with), `previous()` (the
//!   version it was made from, or nil), `next()` (the last version made from it, or
//!   nil), `string()` (`v<id>`); `tostring` gives `registry.Version{v<id>}`, and two
//!   version objects of one id are equal (`==`). A version object holds only its number:
//!   `previous` and `next` read the history when called.
//! - History: `versions()` (every version, oldest first, and nil), `get_version(id)`
//!   (`version, nil`; `nil, err`: `INVALID` below 0, `NOT_FOUND`), `snapshot_at(version)`
//!   (`snapshot, nil`; `nil, err` `INVALID` for what is no version object).

use super::snapshot::push_snapshot_at;
use crate::modules::errors::fail;
use crate::vm::lua::{CFn, LResult, Lua, Raise, UserType, cfn, method_index};
use crate::vm::state::state;
use std::ffi::c_int;
use wippy_runtime::payload::ErrorKind;

/// A version, by number.
struct Version(u64);

/// The history handle (the history itself is the runtime's).
struct History;

method_index!(fn version_index {
    b"id" => cfn(version_id),
    b"previous" => cfn(version_previous),
    b"next" => cfn(version_next),
    b"string" => cfn(version_string),
});

method_index!(fn history_index {
    b"versions" => cfn(history_versions),
    b"get_version" => cfn(history_get_version),
    b"snapshot_at" => cfn(history_snapshot_at),
});

static VERSION: UserType<Version> = UserType::new(
    c"registry.Version",
    Some(version_index as CFn),
    &[
        ("__tostring", cfn(version_tostring)),
        ("__eq", cfn(version_eq)),
    ],
);

static HISTORY: UserType<History> = UserType::new(
    c"registry.History",
    Some(history_index as CFn),
    &[("__tostring", cfn(history_tostring))],
);

/// Pushes the version object of version `id`.
pub(super) fn push_version(lua: Lua, id: u64) {
    lua.push_userdata(Version(id), &VERSION);
}

/// Pushes the history object.
pub(super) fn push_history(lua: Lua) {
    lua.push_userdata(History, &HISTORY);
}

/// The number of the version object at `idx`, if it is one.
pub(super) fn version_at(lua: Lua, idx: c_int) -> Option<u64> {
    lua.userdata(idx, &VERSION).map(|v| v.0)
}

/// Pushes the list of every version, oldest first.
pub(super) fn push_versions(lua: Lua) -> LResult<()> {
    let versions = state(lua)?.env.registry.versions();
    lua.ensure(3)?;
    lua.new_table(c_int::try_from(versions.len()).unwrap_or(0), 0);
    for (i, version) in (1..).zip(versions) {
        push_version(lua, version.id);
        lua.set_index(-2, i);
    }
    Ok(())
}

fn this_version(lua: Lua, method: &str) -> LResult<u64> {
    version_at(lua, 1).ok_or_else(|| {
        Raise::from(format!(
            "bad argument #1 to '{method}' (registry.Version expected, got {}); call it as version:{method}()",
            lua.type_name(1)
        ))
    })
}

fn this_history(lua: Lua, method: &str) -> LResult<()> {
    match lua.userdata(1, &HISTORY) {
        Some(_) => Ok(()),
        None => Err(Raise::from(format!(
            "bad argument #1 to '{method}' (registry.History expected, got {}); call it as history:{method}(...)",
            lua.type_name(1)
        ))),
    }
}

fn version_id(lua: Lua) -> LResult<c_int> {
    let id = this_version(lua, "id")?;
    lua.push_int(i64::try_from(id).unwrap_or(i64::MAX));
    Ok(1)
}

/// Pushes the version `pick` finds next to version `id`, or nil.
fn push_neighbour(
    lua: Lua,
    id: u64,
    pick: fn(wippy_runtime::registry::VersionInfo) -> Option<u64>,
) -> LResult<c_int> {
    match state(lua)?.env.registry.version(id).and_then(pick) {
        Some(other) => push_version(lua, other),
        None => lua.push_nil(),
    }
    Ok(1)
}

fn version_previous(lua: Lua) -> LResult<c_int> {
    let id = this_version(lua, "previous")?;
    push_neighbour(lua, id, |v| v.previous)
}

fn version_next(lua: Lua) -> LResult<c_int> {
    let id = this_version(lua, "next")?;
    push_neighbour(lua, id, |v| v.next)
}

fn version_string(lua: Lua) -> LResult<c_int> {
    let id = this_version(lua, "string")?;
    lua.push_str(&format!("v{id}"));
    Ok(1)
}

fn version_tostring(lua: Lua) -> LResult<c_int> {
    let id = this_version(lua, "__tostring")?;
    lua.push_str(&format!("registry.Version{{v{id}}}"));
    Ok(1)
}

fn version_eq(lua: Lua) -> LResult<c_int> {
    let equal = matches!((version_at(lua, 1), version_at(lua, 2)), (Some(a), Some(b)) if a == b);
    lua.push_bool(equal);
    Ok(1)
}

fn history_versions(lua: Lua) -> LResult<c_int> {
    this_history(lua, "versions")?;
    push_versions(lua)?;
    lua.push_nil();
    Ok(2)
}

fn history_get_version(lua: Lua) -> LResult<c_int> {
    this_history(lua, "get_version")?;
    let Some(n) = lua.number(2) else {
        return Err(Raise::from(format!(
            "bad argument #2 to 'get_version' (number expected, got {})",
            lua.type_name(2)
        )));
    };
    if n < 0.0 || n.fract() != 0.0 {
        return fail(lua, ErrorKind::Invalid, format!("invalid version ID: {n}"));
    }
    let id = n as u64;
    match state(lua)?.env.registry.version(id) {
        Some(_) => {
            push_version(lua, id);
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

fn history_snapshot_at(lua: Lua) -> LResult<c_int> {
    this_history(lua, "snapshot_at")?;
    let Some(id) = version_at(lua, 2) else {
        return fail(
            lua,
            ErrorKind::Invalid,
            format!("expected version object, got {}", lua.type_name(2)),
        );
    };
    push_snapshot_at(lua, id)
}

fn history_tostring(lua: Lua) -> LResult<c_int> {
    this_history(lua, "__tostring")?;
    // The original's exact text (R `registry/module.go`, asserted by its tests).
    lua.push_str("registry.History{}");
    Ok(1)
}
