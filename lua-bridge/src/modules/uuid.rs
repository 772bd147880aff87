//! The `uuid` module (`modules: [uuid]`; R `runtime/lua/modules/uuid`): generating,
//! checking and reformatting UUIDs, with the original's results.
//!
//! | function | returns |
//! |---|---|
//! | `uuid.v1()`, `v4()`, `v7()` | a new UUID, hyphenated lowercase text, `nil` |
//! | `uuid.v3(namespace, name)`, `v5(...)` | the name-based UUID (MD5, SHA-1) |
//! | `uuid.validate(s)` | `true`/`false` (`false` for a non-string) |
//! | `uuid.version(s)` | the version number |
//! | `uuid.variant(s)` | `"RFC4122"`, `"Microsoft"`, `"Future"` or `"Reserved"` |
//! | `uuid.parse(s)` | `{version, variant}`, plus `timestamp` (Unix seconds) for versions 1 and 7 and `node` (its 6 bytes) for version 1 |
//! | `uuid.format(s [, "standard" \| "simple" \| "urn"])` | the UUID in that form |
//!
//! Text is accepted hyphenated, without hyphens, braced or as a URN. Failures are
//! `nil, err`, kind `INVALID`, not retryable: "namespace and name must be strings",
//! "invalid namespace UUID", "input must be a string", "invalid UUID format",
//! "unsupported format".

use std::ffi::c_int;
use std::sync::OnceLock;

use uuid::{Timestamp, Uuid, Variant};
use wippy_runtime::payload::ErrorKind;

use crate::modules::errors::fail;
use crate::vm::lua::{LResult, LUA_TSTRING, Lua, cfn};

/// Pushes the `uuid` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.push_function_table(&[
        (c"v1", cfn(v1)),
        (c"v3", cfn(v3)),
        (c"v4", cfn(v4)),
        (c"v5", cfn(v5)),
        (c"v7", cfn(v7)),
        (c"validate", cfn(validate)),
        (c"version", cfn(version)),
        (c"variant", cfn(variant)),
        (c"parse", cfn(parse)),
        (c"format", cfn(format)),
    ])
}

/// Pushes `text, nil`.
fn text(lua: Lua, text: &str) -> LResult<c_int> {
    lua.push_str(text);
    lua.push_nil();
    Ok(2)
}

/// The node id of version 1 UUIDs: random, chosen once per program (the original uses a
/// hardware address when it finds one, else random bytes).
fn node_id() -> &'static [u8; 6] {
    static NODE: OnceLock<[u8; 6]> = OnceLock::new();
    NODE.get_or_init(|| {
        let mut node = fastrand::u64(..).to_le_bytes();
        // The multicast bit marks a node id that is not a hardware address (RFC 9562).
        node[0] |= 0x01;
        [node[0], node[1], node[2], node[3], node[4], node[5]]
    })
}

fn v1(lua: Lua) -> LResult<c_int> {
    text(lua, &Uuid::now_v1(node_id()).to_string())
}

fn v4(lua: Lua) -> LResult<c_int> {
    text(lua, &Uuid::new_v4().to_string())
}

fn v7(lua: Lua) -> LResult<c_int> {
    text(lua, &Uuid::now_v7().to_string())
}

fn v3(lua: Lua) -> LResult<c_int> {
    name_based(lua, Uuid::new_v3)
}

fn v5(lua: Lua) -> LResult<c_int> {
    name_based(lua, Uuid::new_v5)
}

/// `v3`/`v5`: `make(namespace, name)`.
fn name_based(lua: Lua, make: fn(&Uuid, &[u8]) -> Uuid) -> LResult<c_int> {
    if lua.kind(1) != LUA_TSTRING || lua.kind(2) != LUA_TSTRING {
        return fail(
            lua,
            ErrorKind::Invalid,
            "namespace and name must be strings",
        );
    }
    let Some(namespace) = parsed(lua, 1) else {
        return fail(lua, ErrorKind::Invalid, "invalid namespace UUID");
    };
    let id = make(&namespace, lua.bytes(2).unwrap_or_default());
    text(lua, &id.to_string())
}

/// The UUID in the string at `idx`, if it is one.
fn parsed(lua: Lua, idx: c_int) -> Option<Uuid> {
    let bytes = lua.bytes(idx)?;
    Uuid::try_parse_ascii(bytes).ok()
}

/// The UUID argument 1 of `version`, `variant`, `parse` and `format`, or the failure
/// return already pushed.
fn argument(lua: Lua) -> Result<Uuid, LResult<c_int>> {
    if lua.kind(1) != LUA_TSTRING {
        return Err(fail(lua, ErrorKind::Invalid, "input must be a string"));
    }
    parsed(lua, 1).ok_or_else(|| fail(lua, ErrorKind::Invalid, "invalid UUID format"))
}

fn validate(lua: Lua) -> LResult<c_int> {
    let valid = lua.kind(1) == LUA_TSTRING && parsed(lua, 1).is_some();
    lua.push_bool(valid);
    lua.push_nil();
    Ok(2)
}

fn version(lua: Lua) -> LResult<c_int> {
    let id = match argument(lua) {
        Ok(id) => id,
        Err(failed) => return failed,
    };
    lua.push_int(i64::from(id.get_version_num() as u8));
    lua.push_nil();
    Ok(2)
}

/// The original's name of a variant (Go's `uuid.Variant`, where the NCS range is
/// "Reserved").
fn variant_name(id: &Uuid) -> &'static str {
    match id.get_variant() {
        Variant::RFC4122 => "RFC4122",
        Variant::Microsoft => "Microsoft",
        Variant::Future => "Future",
        _ => "Reserved",
    }
}

fn variant(lua: Lua) -> LResult<c_int> {
    let id = match argument(lua) {
        Ok(id) => id,
        Err(failed) => return failed,
    };
    text(lua, variant_name(&id))
}

fn parse(lua: Lua) -> LResult<c_int> {
    let id = match argument(lua) {
        Ok(id) => id,
        Err(failed) => return failed,
    };
    lua.ensure(4)?;
    lua.new_table(0, 4);
    lua.push_int(i64::from(id.get_version_num() as u8));
    lua.set_field(-2, c"version");
    lua.push_str(variant_name(&id));
    lua.set_field(-2, c"variant");
    let seconds = |ts: Timestamp| i64::try_from(ts.to_unix().0).unwrap_or(i64::MAX);
    match (id.get_version_num(), id.get_timestamp()) {
        (1, Some(ts)) => {
            lua.push_int(seconds(ts));
            lua.set_field(-2, c"timestamp");
            lua.push_bytes(&id.as_bytes()[10..16]);
            lua.set_field(-2, c"node");
        }
        (7, Some(ts)) => {
            lua.push_int(seconds(ts));
            lua.set_field(-2, c"timestamp");
        }
        _ => {}
    }
    lua.push_nil();
    Ok(2)
}

fn format(lua: Lua) -> LResult<c_int> {
    let id = match argument(lua) {
        Ok(id) => id,
        Err(failed) => return failed,
    };
    let form = if lua.kind(2) == LUA_TSTRING {
        lua.bytes(2).unwrap_or_default()
    } else {
        b"standard".as_slice()
    };
    match form {
        b"standard" => text(lua, &id.hyphenated().to_string()),
        b"simple" => text(lua, &id.simple().to_string()),
        b"urn" => text(lua, &id.urn().to_string()),
        _ => fail(lua, ErrorKind::Invalid, "unsupported format"),
    }
}
