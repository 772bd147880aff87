//! Building a process's VM: the sandboxed standard library, the always-present globals
//! (`process`, `channel`, `payload`, `errors`, `os`, `print`, `coroutine.spawn`) and
//! `require`, which loads only what the entry's `modules:` and `imports:` list.

use super::state::ProcState;
use crate::compile::{CompiledEntry, Compiler};
use crate::modules;
use mlua::chunk::ChunkMode;
use mlua::{Function, Lua, LuaOptions, StdLib, Table, Value};
use std::sync::Arc;
use wippy_runtime::registry::Registry;

/// What every VM of one runtime shares: the registry and the bytecode cache.
#[derive(Debug)]
pub struct LuaEnv {
    /// The registry processes are spawned from.
    pub registry: Arc<Registry>,
    /// Compiled entries.
    pub compiler: Compiler,
    /// Per-process memory limit in bytes (0 = none).
    pub memory_limit: usize,
}

/// Globals removed from the base library: they reach outside the process or load code.
const REMOVED_GLOBALS: &[&str] = &[
    "dofile",
    "loadfile",
    "load",
    "collectgarbage",
    "rawlen",
    "require",
];

/// A fresh sandboxed VM for a process of `compiled`, with its state installed.
pub(crate) fn new_vm(
    env: &Arc<LuaEnv>,
    compiled: &Arc<CompiledEntry>,
    state: ProcState,
) -> mlua::Result<Lua> {
    let lua = Lua::new_with(
        StdLib::COROUTINE | StdLib::TABLE | StdLib::STRING | StdLib::MATH | StdLib::OS,
        LuaOptions::new(),
    )?;
    if env.memory_limit > 0 {
        lua.set_memory_limit(env.memory_limit)?;
    }
    let globals = lua.globals();
    for name in REMOVED_GLOBALS {
        globals.raw_set(*name, Value::Nil)?;
    }
    let string: Table = globals.get("string")?;
    string.raw_set("dump", Value::Nil)?;
    // `os` keeps only the clock functions (reference §0).
    let os: Table = globals.get("os")?;
    let safe_os = lua.create_table()?;
    for name in ["time", "date", "clock", "difftime"] {
        safe_os.raw_set(name, os.get::<Value>(name)?)?;
    }
    safe_os.raw_set("platform", "wippy")?;
    globals.raw_set("os", safe_os)?;
    lua.set_app_data(state);
    // The always-present globals are built on first use: a process pays only for what
    // it touches.
    let lazy = lua.create_table()?;
    lazy.raw_set(
        "__index",
        lua.create_function(|lua, (globals, name): (Table, mlua::LuaString)| {
            let value = match &*name.as_bytes() {
                b"process" => Value::Table(modules::process::module(lua)?),
                b"channel" => Value::Table(modules::channel::module(lua)?),
                b"errors" => Value::Table(modules::errors::module(lua)?),
                b"payload" => Value::Table(modules::payload::module(lua)?),
                _ => return Ok(Value::Nil),
            };
            globals.raw_set(name, value.clone())?;
            Ok(value)
        })?,
    )?;
    globals.set_metatable(Some(lazy))?;
    globals.raw_set("print", lua.create_function(modules::logger::print)?)?;
    let coroutine: Table = globals.get("coroutine")?;
    coroutine.raw_set(
        "spawn",
        lua.create_function(|lua, f: Function| {
            let thread = lua.create_thread(f)?;
            super::state(lua)?.spawned.push(thread.clone());
            Ok(thread)
        })?,
    )?;
    let env_for_require = env.clone();
    let compiled_for_require = compiled.clone();
    globals.raw_set(
        "require",
        lua.create_function(move |lua, name: String| {
            require(lua, &env_for_require, &compiled_for_require, &name)
        })?,
    )?;
    Ok(lua)
}

fn require(
    lua: &Lua,
    env: &Arc<LuaEnv>,
    compiled: &CompiledEntry,
    name: &str,
) -> mlua::Result<Value> {
    let loaded: Table = match lua.named_registry_value::<Table>("wippy.loaded") {
        Ok(t) => t,
        Err(_) => {
            let t = lua.create_table()?;
            lua.set_named_registry_value("wippy.loaded", t.clone())?;
            t
        }
    };
    if let Some(value) = loaded.raw_get::<Option<Value>>(name)? {
        return Ok(value);
    }
    let value = if let Some((_, library)) = compiled.imports.iter().find(|(alias, _)| alias == name)
    {
        let entry = env.registry.get(library).ok_or_else(|| {
            mlua::Error::runtime(format!(
                "require({name:?}): imported entry {library} is not in the registry"
            ))
        })?;
        let library = env
            .compiler
            .get(entry)
            .map_err(|e| mlua::Error::runtime(e.message().to_owned()))?;
        let chunk = lua
            .load(&library.bytecode[..])
            .set_mode(ChunkMode::Binary)
            .set_name(format!("@{}", library.chunk_name))
            .into_function()?;
        chunk.call::<Value>(())?
    } else if compiled.modules.iter().any(|m| m == name) {
        match name {
            "time" => Value::Table(modules::time::module(lua)?),
            "io" => Value::Table(modules::io::module(lua)?),
            "logger" => modules::logger::module(lua)?,
            "json" => Value::Table(modules::json::module(lua)?),
            "channel" | "process" | "payload" | "errors" => lua.globals().get(name)?,
            other => {
                return Err(mlua::Error::runtime(format!(
                    "module {other:?} is not available in this runtime (entry {} lists it in modules:)",
                    compiled.id
                )));
            }
        }
    } else if matches!(name, "channel" | "process" | "payload" | "errors") {
        lua.globals().get(name)?
    } else {
        return Err(mlua::Error::runtime(format!(
            "module {name:?} is not allowed: add it to modules: of entry {}",
            compiled.id
        )));
    };
    loaded.raw_set(name, value.clone())?;
    Ok(value)
}
