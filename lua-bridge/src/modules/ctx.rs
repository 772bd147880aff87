//! The `ctx` module (`modules: [ctx]`; R `runtime/lua/modules/ctx`): the named values of
//! the running process's context.
//!
//! - `ctx.get(key)`: the value, `nil`; or `nil, err`: kind `INVALID` for an empty key,
//!   `NOT_FOUND` ("key not found: <key>") for a key the context does not hold. A key
//!   that is not a string raises.
//! - `ctx.all()`: a table of every value, `nil`.
//!
//! A process gets its context from its spawner (`process.with_context(t):spawn(...)`,
//! on top of the spawner's own), and a plain spawn hands its own on; a process spawned
//! from outside any process has none (an empty one to read).

use std::ffi::c_int;

use wippy_runtime::payload::{ErrorKind, Payload};

use crate::modules::errors::fail;
use crate::value::push_payload;
use crate::vm::lua::{LResult, Lua, cfn};
use crate::vm::state::state;

/// Pushes the `ctx` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.push_function_table(&[(c"get", cfn(get)), (c"all", cfn(all))])
}

fn get(lua: Lua) -> LResult<c_int> {
    // `CheckString`: a number is its text.
    let key = lua.check_string(1, "get")?;
    if key.is_empty() {
        return fail(lua, ErrorKind::Invalid, "empty key");
    }
    let value = state(lua)?
        .handle
        .context()
        .and_then(|c| c.values.get(&key).cloned());
    match value {
        Some(v) => {
            push_payload(lua, &v)?;
            lua.push_nil();
            Ok(2)
        }
        None => fail(lua, ErrorKind::NotFound, format!("key not found: {key}")),
    }
}

fn all(lua: Lua) -> LResult<c_int> {
    let values = state(lua)?
        .handle
        .context()
        .map(|c| Payload::Map(c.values.clone().into()));
    match values {
        Some(map) => push_payload(lua, &map)?,
        None => lua.new_table(0, 0),
    }
    lua.push_nil();
    Ok(2)
}
