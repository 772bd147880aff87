//! The `logger` module (reference §1.7): a userdata, so colon syntax is required —
//! `logger:info(msg, fields)`, `:warn`, `:error`, `:debug`, `:with(fields)`,
//! `:named(name)`. Every record carries the process's `pid` and the caller's
//! `location` (`ns:name:line`). Each entry of a fields table with a string key is a field
//! (as the original's `tableToFields`; other keys are skipped), all written as one JSON
//! object in which a table JSON has no plain form for is an object keyed by text.
//!
//! Records go to `tracing` with target `wippy::lua`, so the `wippy` binary decides where
//! they appear (hidden by default under `run -x`).

use crate::value::to_payload;
use crate::vm::alloc::{self, Charged};
use crate::vm::lua::{CFn, LResult, LUA_TNIL, LUA_TTABLE, Lua, Raise, UserType, cfn, method_index};
use crate::vm::state::state;
use std::ffi::c_int;
use wippy_runtime::payload::{Map, MapKey, Payload, Text};

/// A logger with fixed fields and an optional name.
#[derive(Debug, Clone, Default)]
pub(crate) struct LuaLogger {
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

method_index!(fn logger_index {
    b"debug" => cfn(debug),
    b"info" => cfn(info),
    b"warn" => cfn(warn),
    b"error" => cfn(error),
    b"with" => cfn(with),
    b"named" => cfn(named),
});

/// The logger userdata type: the block holds a [`LuaLogger`] and the charge of its Rust
/// bytes to the VM's memory limit ([`logger_bytes`]; `vm/alloc.rs`).
static LOGGER: UserType<Charged<LuaLogger>> =
    UserType::new(c"wippy.logger", Some(logger_index as CFn), &[]);

/// The fields of the table at `idx`, if it is one. As the original, each entry is a field
/// of its own: entries whose key is not a string are skipped, and a value that JSON cannot
/// write as it is (a sparse or mixed table, a table that contains itself) loses nothing
/// else (`log_text`). An error value is logged as its text.
fn table_fields(lua: Lua, idx: c_int) -> LResult<Option<Map>> {
    if lua.kind(idx) != LUA_TTABLE {
        return Ok(None);
    }
    lua.ensure(3)?;
    let mut fields = Map::new();
    lua.push_nil();
    while lua.next(idx) {
        let (key, value) = (lua.top() - 1, lua.top());
        if let Some(name) = lua.bytes(key) {
            let field = match to_payload(lua, value) {
                Ok(Payload::Error(e)) => Payload::from(e.text().into_owned()),
                Ok(p) => p,
                Err(e) => Payload::from(format!("<{e}>")),
            };
            fields.insert(MapKey::Str(Text::copy_from_slice(name)), field);
        }
        lua.pop(1);
    }
    Ok(Some(fields))
}

/// Argument 2 as the message: a string, or a number as its text (as Lua's own
/// `luaL_checkstring`); anything else raises.
fn message_arg(lua: Lua, method: &str) -> LResult<String> {
    match lua.bytes(2) {
        Some(b) => Ok(String::from_utf8_lossy(b).into_owned()),
        None if lua.kind(2) == crate::vm::lua::LUA_TNUMBER => Ok(lua.display(2)),
        None => Err(Raise::from(format!(
            "bad argument #2 to '{method}' (string expected, got {})",
            lua.type_name(2)
        ))),
    }
}

/// Argument `idx` must be a table when given (the fields).
fn check_fields(lua: Lua, idx: c_int, method: &str) -> LResult<()> {
    if lua.top() >= idx && lua.kind(idx) != LUA_TTABLE {
        return Err(Raise::from(format!(
            "bad argument #{idx} to '{method}' (table expected, got {})",
            lua.type_name(idx)
        )));
    }
    Ok(())
}

/// The most text a log record's fields are written as.
const MAX_FIELDS_TEXT: usize = 16 << 20;

fn fields_json(base: &Map, extra: Option<Map>) -> String {
    let mut all = base.clone();
    if let Some(extra) = extra {
        for (k, v) in extra.iter() {
            all.insert(k.clone(), v.clone());
        }
    }
    if all.is_empty() {
        return String::new();
    }
    // Fields holding one big string many times would write far more than any process
    // holds: the record says so instead (see `value::text_exceeds`).
    if crate::value::map_text_exceeds(&all, MAX_FIELDS_TEXT) {
        return format!("{{\"fields\":\"left out: more than {MAX_FIELDS_TEXT} bytes as text\"}}");
    }
    String::from_utf8_lossy(&crate::modules::json::log_text(&all)).into_owned()
}

/// `ns:name:line` of the Lua code calling into Rust.
pub(crate) fn location(lua: Lua) -> String {
    let entry = state(lua)
        .map(|st| st.entry.id.to_string())
        .unwrap_or_default();
    let line = lua.current_line(1).unwrap_or(0);
    format!("{entry}:{line}")
}

/// The pid of the process, as text (empty outside a process).
pub(crate) fn pid(lua: Lua) -> String {
    state(lua)
        .map(|st| st.handle.pid().to_string())
        .unwrap_or_default()
}

/// The logger at argument 1 (valid while it stays there: the whole call).
fn this<'a>(lua: Lua) -> LResult<&'a LuaLogger> {
    lua.userdata(1, &LOGGER)
        .map(|l| &l.value)
        .ok_or_else(|| lua.bad_self("logger", "logger"))
}

fn log(lua: Lua, level: Level) -> LResult<c_int> {
    let this = this(lua)?;
    let method = match level {
        Level::Debug => "debug",
        Level::Info => "info",
        Level::Warn => "warn",
        Level::Error => "error",
    };
    let message = message_arg(lua, method)?;
    check_fields(lua, 3, method)?;
    let fields = fields_json(&this.fields, table_fields(lua, 3)?);
    let location = location(lua);
    let pid = pid(lua);
    // A logger without a name and a record without fields leave those out of the record
    // (an `Option` field that is `None` is not recorded), as zap leaves them out.
    let name = this.name.as_deref().filter(|n| !n.is_empty());
    let fields = (!fields.is_empty()).then_some(fields);
    let fields = fields.as_deref().map(tracing::field::display);
    macro_rules! emit {
        ($lvl:ident) => {
            tracing::$lvl!(target: "wippy::lua", %pid, %location, logger = name, fields, "{message}")
        };
    }
    match level {
        Level::Debug => emit!(debug),
        Level::Info => emit!(info),
        Level::Warn => emit!(warn),
        Level::Error => emit!(error),
    }
    Ok(0)
}

fn debug(lua: Lua) -> LResult<c_int> {
    log(lua, Level::Debug)
}
fn info(lua: Lua) -> LResult<c_int> {
    log(lua, Level::Info)
}
fn warn(lua: Lua) -> LResult<c_int> {
    log(lua, Level::Warn)
}
/// `logger:error(msg, fields)`: as the others, and then, as the original's `loggerError`
/// does to the caller's own table, `fields.error` is cleared (raw).
fn error(lua: Lua) -> LResult<c_int> {
    let n = log(lua, Level::Error)?;
    if lua.kind(3) == LUA_TTABLE {
        lua.ensure(2)?;
        if lua.get_field(3, c"error") != LUA_TNIL {
            lua.push_nil();
            lua.set_field(3, c"error");
        }
        lua.pop(1);
    }
    Ok(n)
}

fn with(lua: Lua) -> LResult<c_int> {
    let mut next = this(lua)?.clone();
    if lua.kind(2) != LUA_TTABLE {
        return Err(Raise::from(format!(
            "bad argument #2 to 'with' (table expected, got {})",
            lua.type_name(2)
        )));
    }
    if let Some(extra) = table_fields(lua, 2)? {
        for (k, v) in extra.iter() {
            next.fields.insert(k.clone(), v.clone());
        }
    }
    push_new_logger(lua, next)?;
    Ok(1)
}

fn named(lua: Lua) -> LResult<c_int> {
    let mut next = this(lua)?.clone();
    let Some(name) = lua.string_or_number(2) else {
        return Err(Raise::from(format!(
            "bad argument #2 to 'named' (string expected, got {})",
            lua.type_name(2)
        )));
    };
    if name.is_empty() {
        return Err(Raise::from(
            "bad argument #2 to 'named' (name cannot be empty)",
        ));
    }
    next.name = Some(match &next.name {
        Some(parent) => format!("{parent}.{name}"),
        None => name,
    });
    push_new_logger(lua, next)?;
    Ok(1)
}

/// Pushes the `logger` module value.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    push_new_logger(lua, LuaLogger::default())
}

/// The bytes of the Rust allocations a logger holds: its block, name and fields (as
/// `payload::payload_bytes` counts them).
fn logger_bytes(logger: &LuaLogger) -> usize {
    std::mem::size_of::<LuaLogger>()
        + logger.name.as_ref().map_or(0, String::len)
        + crate::modules::payload::map_bytes(&logger.fields)
}

/// Pushes a logger userdata, its bytes charged to the VM's memory limit.
///
/// Errors: [`Raise::Memory`], Lua's memory error, when they do not fit even after a
/// full collection (`logger` is dropped first).
fn push_new_logger(lua: Lua, logger: LuaLogger) -> LResult<()> {
    let charge = alloc::charge(lua, logger_bytes(&logger)).map_err(|_| Raise::Memory)?;
    lua.push_userdata(Charged::new(logger, charge), &LOGGER);
    Ok(())
}

/// The global `print`: joins its arguments with spaces (as the original's `printFunc`,
/// R `engine/core_modules.go`) and logs them at info.
pub(crate) fn print(lua: Lua) -> LResult<c_int> {
    // A `__tostring` that raises does so here, before `parts` exists.
    lua.tostring_args_in_place(1)?;
    let mut parts = Vec::with_capacity(usize::try_from(lua.top()).unwrap_or(0));
    for i in 1..=lua.top() {
        parts.push(match lua.bytes(i) {
            Some(b) => String::from_utf8_lossy(b).into_owned(),
            None => lua.display(i),
        });
    }
    let message = parts.join(" ");
    let location = location(lua);
    let pid = pid(lua);
    tracing::info!(target: "wippy::lua", %pid, %location, "{message}");
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::{MAX_FIELDS_TEXT, fields_json};
    use wippy_runtime::payload::{Map, MapKey, Payload};

    #[test]
    fn fields_too_large_as_text_are_left_out_and_say_so() {
        let big = Payload::from("x".repeat(1 << 20));
        let many = Payload::array((0..20).map(|_| big.clone()));
        let mut fields = Map::new();
        fields.insert(MapKey::from("many"), many);
        let text = fields_json(&fields, None);
        assert_eq!(
            text,
            format!("{{\"fields\":\"left out: more than {MAX_FIELDS_TEXT} bytes as text\"}}")
        );
        let mut small = Map::new();
        small.insert(MapKey::from("n"), Payload::Int(1));
        assert_eq!(fields_json(&small, None), "{\"n\":1}");
    }
}
