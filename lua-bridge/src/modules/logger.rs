//! The `logger` module (reference §1.7): a userdata, so colon syntax is required —
//! `logger:info(msg, fields)`, `:warn`, `:error`, `:debug`, `:with(fields)`,
//! `:named(name)`. Every record carries the process's `pid` and the caller's
//! `location` (`ns:name:line`); table fields are written as JSON.
//!
//! Records go to `tracing` with target `wippy::lua`, so the `wippy` binary decides where
//! they appear (hidden by default under `run -x`).

use crate::value::to_payload;
use crate::vm;
use mlua::{Lua, Table, UserData, UserDataMethods, Value};
use wippy_runtime::payload::{Map, Payload};

/// A logger with fixed fields and an optional name.
#[derive(Debug, Clone, Default)]
pub struct LuaLogger {
    name: Option<String>,
    fields: Map,
}

#[derive(Clone, Copy)]
enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

fn fields_json(base: &Map, extra: Option<Table>) -> String {
    let mut all = base.clone();
    if let Some(extra) = extra {
        if let Ok(Payload::Map(map)) = to_payload(&Value::Table(extra)) {
            for (k, v) in map.iter() {
                all.insert(k.clone(), v.clone());
            }
        }
    }
    if all.is_empty() {
        return String::new();
    }
    crate::modules::json::encode(&Payload::Map(std::sync::Arc::new(all)))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// `ns:name:line` of the Lua code calling into Rust.
pub(crate) fn location(lua: &Lua) -> String {
    let entry = vm::state(lua)
        .ok()
        .map(|st| st.entry.id.to_string())
        .unwrap_or_default();
    let line = lua
        .inspect_stack(1, |debug| debug.current_line())
        .flatten()
        .unwrap_or(0);
    format!("{entry}:{line}")
}

pub(crate) fn pid(lua: &Lua) -> String {
    vm::state(lua)
        .map(|st| st.handle.pid().to_string())
        .unwrap_or_default()
}

fn log(lua: &Lua, this: &LuaLogger, level: Level, message: String, extra: Option<Table>) {
    let fields = fields_json(&this.fields, extra);
    let location = location(lua);
    let pid = pid(lua);
    let name = this.name.as_deref().unwrap_or("");
    macro_rules! emit {
        ($lvl:ident) => {
            tracing::$lvl!(target: "wippy::lua", %pid, %location, logger = name, fields = %fields, "{message}")
        };
    }
    match level {
        Level::Debug => emit!(debug),
        Level::Info => emit!(info),
        Level::Warn => emit!(warn),
        Level::Error => emit!(error),
    }
}

impl UserData for LuaLogger {
    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        for (name, level) in [
            ("debug", Level::Debug),
            ("info", Level::Info),
            ("warn", Level::Warn),
            ("error", Level::Error),
        ] {
            methods.add_method(
                name,
                move |lua, this, (message, fields): (Value, Option<Table>)| {
                    let message = match message {
                        Value::String(s) => s.to_string_lossy(),
                        other => other.to_string()?,
                    };
                    log(lua, this, level, message, fields);
                    Ok(())
                },
            );
        }
        methods.add_method("with", |_, this, fields: Table| {
            let mut next = this.clone();
            if let Ok(Payload::Map(map)) = to_payload(&Value::Table(fields)) {
                for (k, v) in map.iter() {
                    next.fields.insert(k.clone(), v.clone());
                }
            }
            Ok(next)
        });
        methods.add_method("named", |_, this, name: String| {
            let mut next = this.clone();
            next.name = Some(match &this.name {
                Some(parent) => format!("{parent}.{name}"),
                None => name,
            });
            Ok(next)
        });
    }
}

/// The `logger` module value.
pub(crate) fn module(lua: &Lua) -> mlua::Result<Value> {
    Ok(Value::UserData(lua.create_userdata(LuaLogger::default())?))
}

/// The global `print`: joins its arguments with tabs and logs them at info.
pub(crate) fn print(lua: &Lua, values: mlua::Variadic<Value>) -> mlua::Result<()> {
    let mut parts = Vec::with_capacity(values.len());
    for v in values.iter() {
        parts.push(match v {
            Value::String(s) => s.to_string_lossy(),
            other => other.to_string()?,
        });
    }
    let message = parts.join("\t");
    let location = location(lua);
    let pid = pid(lua);
    tracing::info!(target: "wippy::lua", %pid, %location, "{message}");
    Ok(())
}
