//! The `env` module (`modules: [env]`; R `runtime/lua/modules/env`): the environment
//! variables the registry declares (`env.variable` entries and their `env.storage.*`
//! storages, served by `wippy_runtime::environment`).
//!
//! | function | returns |
//! |---|---|
//! | `env.get(name)` | the value and nil; nil and an error |
//! | `env.set(name, value)` | `true` and nil; nil and an error |
//! | `env.get_all()` | a table of every variable of every storage, and nil |
//!
//! A name is a variable's `variable` field, or an entry id (`ns:name`, or `name` in the
//! calling entry's namespace). Error kinds, not retryable: `INVALID` for an empty name,
//! `NOT_FOUND` for a name no variable has or a variable with neither value nor default,
//! `PERMISSION_DENIED` for a `readonly` variable or a read-only storage (`os`,
//! `static`), `INTERNAL` for a `.env` file that cannot be read or written. A name or
//! value that is not a string (or a number) raises, as the original's `CheckString`.
//! Security policies are absent from this runtime, so no call is refused by one.

use std::ffi::c_int;

use wippy_runtime::environment::{EnvError, StorageError};
use wippy_runtime::payload::ErrorKind;

use crate::modules::errors::fail;
use crate::vm::lua::{LResult, Lua, cfn};
use crate::vm::state::state;

/// Pushes the `env` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.push_function_table(&[
        (c"get", cfn(get)),
        (c"set", cfn(set)),
        (c"get_all", cfn(get_all)),
    ])
}

/// The error kind of an environment failure.
fn kind_of(error: &EnvError) -> ErrorKind {
    match error {
        EnvError::NotFound(_) => ErrorKind::NotFound,
        EnvError::ReadOnly(_)
        | EnvError::Storage {
            source: StorageError::ReadOnly,
            ..
        } => ErrorKind::PermissionDenied,
        _ => ErrorKind::Internal,
    }
}

fn get(lua: Lua) -> LResult<c_int> {
    let name = lua.check_string(1, "get")?;
    if name.is_empty() {
        return fail(lua, ErrorKind::Invalid, "empty key");
    }
    let st = state(lua)?;
    let ns = st.entry.id.namespace().to_owned();
    let result = st.handle.runtime().environment().get(&name, Some(&ns));
    match result {
        Ok(value) => {
            lua.ensure(2)?;
            lua.push_str(&value);
            lua.push_nil();
            Ok(2)
        }
        Err(error) => fail(lua, kind_of(&error), error.to_string()),
    }
}

fn set(lua: Lua) -> LResult<c_int> {
    let name = lua.check_string(1, "set")?;
    if name.is_empty() {
        return fail(lua, ErrorKind::Invalid, "empty key");
    }
    let value = lua.check_string(2, "set")?;
    let st = state(lua)?;
    let ns = st.entry.id.namespace().to_owned();
    let result = st
        .handle
        .runtime()
        .environment()
        .set(&name, &value, Some(&ns));
    match result {
        Ok(()) => {
            lua.ensure(2)?;
            lua.push_bool(true);
            lua.push_nil();
            Ok(2)
        }
        Err(error) => fail(lua, kind_of(&error), error.to_string()),
    }
}

fn get_all(lua: Lua) -> LResult<c_int> {
    let all = state(lua)?.handle.runtime().environment().all();
    lua.ensure(4)?;
    lua.new_table(0, c_int::try_from(all.len()).unwrap_or(0));
    for (name, value) in &all {
        lua.push_str(value);
        lua.set_field_str(-2, name);
    }
    lua.push_nil();
    Ok(2)
}
