//! The `errors` global and the structured error userdata (reference §1.1, §1.8).
//!
//! Every failing operation returns `nil, err` where `err` is a [`LuaError`]: a userdata that
//! holds an [`ErrorValue`] behind an `Arc`. The `Arc` is shared with the payload copy of the
//! error, so sending an error to another process copies nothing but the pointer
//! ([`crate::value`]); the receiving VM gets its own userdata around the same value.
//!
//! In Lua:
//!
//! ```lua
//! local err = errors.new("boom")                           -- kind UNKNOWN
//! local err = errors.new({message = "no user", kind = errors.NOT_FOUND,
//!                         retryable = false, details = {id = 7}})
//! err:message(), err:kind(), err:retryable(), err:details(), err:stack()
//! tostring(err)                 --> the message
//! "spawn failed: " .. err       --> "spawn failed: boom" (either order)
//! errors.wrap(err, "loading")   --> message "loading: boom", same kind, retryable, details
//! errors.is(err, errors.NOT_FOUND)
//! errors.call_stack(err)        --> {frames = {{source = "...", line = 3, name = "f"}, ...}}
//! ```
//!
//! `err:retryable()` is `nil` when it was never set. `err:stack()` is the Lua traceback where
//! the error was made (by `errors.new` or by a Rust function through [`push_error`]) or where
//! it was raised ([`from_lua_error`], [`message_handler`]).
//!
//! Two errors are `==` when they are the same error or have the same kind, message, retryable
//! flag and details (the stacks are not compared).
//!
//! # Raised errors
//!
//! When Lua code raises a value (`error(x)`) and mlua catches it, mlua keeps only
//! `tostring(x)` and the traceback, so [`from_lua_error`] can recover the message and the
//! stack but not the kind of an error userdata that was raised. A host that wants the kind
//! too runs the code under `xpcall` with [`message_handler`], which turns whatever was raised
//! into a [`LuaError`] (keeping an error userdata's kind) with the traceback of the raise.

use std::sync::Arc;

use mlua::{Function, Lua, MetaMethod, Table, UserData, UserDataMethods, Value};
use wippy_runtime::payload::{ErrorKind, ErrorValue};

use crate::value::{from_payload, to_payload, type_name};

/// The error userdata: a structured error a Lua VM holds. Cloning it shares the value.
#[derive(Clone, Debug)]
pub struct LuaError(pub Arc<ErrorValue>);

impl LuaError {
    /// The error value.
    pub fn value(&self) -> &Arc<ErrorValue> {
        &self.0
    }
}

impl From<ErrorValue> for LuaError {
    fn from(e: ErrorValue) -> LuaError {
        LuaError(Arc::new(e))
    }
}

impl UserData for LuaError {
    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_method("message", |_, this, ()| Ok(this.0.message().to_owned()));
        methods.add_method("kind", |_, this, ()| Ok(this.0.kind().as_str().to_owned()));
        methods.add_method("retryable", |_, this, ()| Ok(this.0.retryable()));
        methods.add_method("details", |lua, this, ()| match this.0.details() {
            Some(d) => from_payload(lua, d),
            None => Ok(Value::Nil),
        });
        methods.add_method("stack", |_, this, ()| Ok(this.0.stack().map(str::to_owned)));
        methods.add_meta_method(MetaMethod::ToString, |_, this, ()| {
            Ok(this.0.message().to_owned())
        });
        methods.add_meta_function(MetaMethod::Concat, |lua, (a, b): (Value, Value)| {
            let mut out = Vec::new();
            concat_operand(lua, a, &mut out)?;
            concat_operand(lua, b, &mut out)?;
            lua.create_string(out)
        });
        methods.add_meta_function(MetaMethod::Eq, |_, (a, b): (Value, Value)| {
            Ok(match (as_error(&a), as_error(&b)) {
                (Some(a), Some(b)) => same_error(&a, &b),
                _ => false,
            })
        });
    }
}

/// Appends one operand of `..` to `out`: an error gives its message, strings and numbers
/// give what Lua's `..` gives.
fn concat_operand(lua: &Lua, v: Value, out: &mut Vec<u8>) -> mlua::Result<()> {
    if let Some(e) = as_error(&v) {
        out.extend_from_slice(e.message().as_bytes());
        return Ok(());
    }
    let ty = type_name(&v);
    match lua.coerce_string(v)? {
        Some(s) => {
            out.extend_from_slice(&s.as_bytes());
            Ok(())
        }
        None => Err(mlua::Error::runtime(format!(
            "attempt to concatenate a {ty} value"
        ))),
    }
}

fn same_error(a: &Arc<ErrorValue>, b: &Arc<ErrorValue>) -> bool {
    Arc::ptr_eq(a, b)
        || (a.kind() == b.kind()
            && a.message() == b.message()
            && a.retryable() == b.retryable()
            && a.details() == b.details())
}

/// Builds the `errors` table: `new`, `wrap`, `is`, `call_stack` and the kind constants
/// (`errors.NOT_FOUND == "NOT_FOUND"`, and so on for every [`ErrorKind::NAMED`]).
///
/// Lua errors: none from the functions; bad input gives `nil, err` (kind `INVALID`).
pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table_with_capacity(0, 4 + ErrorKind::NAMED.len())?;
    for kind in &ErrorKind::NAMED {
        t.raw_set(kind.as_str(), kind.as_str())?;
    }
    t.raw_set("new", lua.create_function(new)?)?;
    t.raw_set("wrap", lua.create_function(wrap)?)?;
    t.raw_set(
        "is",
        lua.create_function(|_, (err, kind): (Value, Value)| {
            let Some(kind) = kind.as_string().map(|k| k.to_string_lossy()) else {
                return Ok(false);
            };
            Ok(as_error(&err).is_some_and(|e| e.kind().as_str() == kind))
        })?,
    )?;
    t.raw_set("call_stack", lua.create_function(call_stack)?)?;
    Ok(t)
}

/// Sets the global `errors` (see [`module`]).
pub fn install(lua: &Lua) -> mlua::Result<()> {
    lua.globals().set("errors", module(lua)?)
}

/// Makes an error userdata for the `nil, err` convention, with the Lua stack of the caller:
/// a Rust function bound into Lua returns `Ok((Value::Nil, push_error(lua, kind, msg)?))`.
///
/// Lua errors: out of memory.
pub fn push_error(lua: &Lua, kind: ErrorKind, message: impl Into<String>) -> mlua::Result<Value> {
    let mut e = ErrorValue::new(kind, message);
    if let Some(stack) = traceback(lua) {
        e = e.with_stack(stack);
    }
    new_error(lua, e)
}

/// Wraps an error value in a userdata as is (no stack is added).
///
/// Lua errors: out of memory.
pub fn new_error(lua: &Lua, err: impl Into<Arc<ErrorValue>>) -> mlua::Result<Value> {
    lua.create_userdata(LuaError(err.into()))
        .map(Value::UserData)
}

/// `nil, err`: the failure return of every module function.
pub(crate) fn fail(
    lua: &Lua,
    kind: ErrorKind,
    message: impl Into<String>,
) -> mlua::Result<(Value, Value)> {
    Ok((Value::Nil, push_error(lua, kind, message)?))
}

/// The error value of an error userdata (or of an mlua error value that Lua caught with
/// `pcall`); `None` for anything else.
pub fn as_error(v: &Value) -> Option<Arc<ErrorValue>> {
    match v {
        Value::UserData(ud) => ud.borrow::<LuaError>().ok().map(|e| e.0.clone()),
        Value::Error(e) => Some(Arc::new(from_lua_error(e))),
        _ => None,
    }
}

/// Turns any Lua value used as an error (raised, or returned as `err`) into an error value:
/// an error userdata gives its value; a string is the message (kind `UNKNOWN`); a table is read
/// like `errors.new` reads it; anything else says what it was, as Lua's own
/// "(error object is a X value)".
pub fn from_lua_value(v: &Value) -> ErrorValue {
    if let Some(e) = as_error(v) {
        return Arc::unwrap_or_clone(e);
    }
    match v {
        Value::String(s) => ErrorValue::new(ErrorKind::Unknown, s.to_string_lossy()),
        Value::Integer(_) | Value::Number(_) => ErrorValue::new(ErrorKind::Unknown, number_text(v)),
        Value::Table(t) => from_table(t).unwrap_or_else(|e| e),
        other => ErrorValue::new(
            ErrorKind::Unknown,
            format!("(error object is a {} value)", type_name(other)),
        ),
    }
}

/// Turns an error that mlua reports for Lua code (a raised string, table or error userdata,
/// or an error from a Rust callback) into an error value whose message is the Lua message and
/// whose stack is the traceback mlua attached.
///
/// The kind is `UNKNOWN`, except for an error that carries an [`ErrorValue`] (a Rust callback
/// that failed with `mlua::Error::external(error_value)`), which keeps its value. A context
/// added with mlua's `context()` is put in front of the message, as `errors.wrap` does.
pub fn from_lua_error(err: &mlua::Error) -> ErrorValue {
    match err {
        mlua::Error::CallbackError { traceback, cause } => {
            let inner = from_lua_error(cause);
            if inner.stack().is_some() {
                inner
            } else {
                inner.with_stack(traceback.trim_end())
            }
        }
        mlua::Error::RuntimeError(text) => {
            let (message, stack) = split_traceback(text);
            let e = ErrorValue::new(ErrorKind::Unknown, message);
            match stack {
                Some(stack) => e.with_stack(stack),
                None => e,
            }
        }
        mlua::Error::WithContext { context, cause } => {
            let inner = from_lua_error(cause);
            rebuild(&inner, format!("{context}: {}", inner.message()))
        }
        mlua::Error::ExternalError(e) => match e.downcast_ref::<ErrorValue>() {
            Some(v) => v.clone(),
            None => ErrorValue::new(ErrorKind::Unknown, e.to_string()),
        },
        other => ErrorValue::new(ErrorKind::Unknown, other.to_string()),
    }
}

/// An `xpcall` message handler that turns whatever was raised into an error userdata (see
/// [`from_lua_value`]) carrying the traceback of the raise, unless it already has a stack.
///
/// ```lua
/// local ok, err = xpcall(main, handler)   -- err:kind() survives error(errors.new{...})
/// ```
///
/// Lua errors: out of memory.
pub fn message_handler(lua: &Lua) -> mlua::Result<Function> {
    lua.create_function(|lua, raised: Value| {
        let e = from_lua_value(&raised);
        if e.stack().is_some() {
            return new_error(lua, e);
        }
        // Level 1 is the function that raised (level 0 is this handler).
        let stack = lua.traceback(None, 1).ok().map(|s| s.to_string_lossy());
        new_error(
            lua,
            if let Some(s) = stack {
                e.with_stack(s)
            } else {
                e
            },
        )
    })
}

/// `errors.new(message | {message, kind, retryable, details})`.
fn new(lua: &Lua, arg: Value) -> mlua::Result<(Value, Value)> {
    if let Some(e) = as_error(&arg) {
        // Already an error: itself (or, for an mlua error value, our userdata around it).
        return Ok(match arg {
            Value::UserData(_) => (arg, Value::Nil),
            _ => (new_error(lua, e)?, Value::Nil),
        });
    }
    let e = match &arg {
        Value::String(s) => ErrorValue::new(ErrorKind::Unknown, s.to_string_lossy()),
        Value::Table(t) => match from_table(t) {
            Ok(e) => e,
            Err(bad) => return Ok((Value::Nil, new_error(lua, bad)?)),
        },
        other => {
            return fail(
                lua,
                ErrorKind::Invalid,
                format!(
                    "errors.new expects a string or a table, got {}",
                    type_name(other)
                ),
            );
        }
    };
    let e = match traceback(lua) {
        Some(stack) => e.with_stack(stack),
        None => e,
    };
    Ok((new_error(lua, e)?, Value::Nil))
}

/// Reads `{message, kind, retryable, details}`; `Err` is the error to return instead (kind
/// `INVALID`).
fn from_table(t: &Table) -> Result<ErrorValue, ErrorValue> {
    let invalid = |m: String| ErrorValue::new(ErrorKind::Invalid, m);
    let field = |name: &str| {
        t.raw_get::<Value>(name)
            .map_err(|e| invalid(format!("errors.new: cannot read `{name}`: {e}")))
    };
    let message = match field("message")? {
        Value::Nil => String::new(),
        Value::String(s) => s.to_string_lossy(),
        v @ (Value::Integer(_) | Value::Number(_)) => number_text(&v),
        v => {
            return Err(invalid(format!(
                "errors.new: `message` must be a string, got {}",
                type_name(&v)
            )));
        }
    };
    let kind = match field("kind")? {
        Value::Nil => ErrorKind::Unknown,
        Value::String(s) if s.as_bytes().is_empty() => ErrorKind::Unknown,
        Value::String(s) => ErrorKind::from_name(&s.to_string_lossy()),
        v => {
            return Err(invalid(format!(
                "errors.new: `kind` must be a string, got {}",
                type_name(&v)
            )));
        }
    };
    let mut e = ErrorValue::new(kind, message);
    match field("retryable")? {
        Value::Nil => {}
        Value::Boolean(b) => e = e.with_retryable(b),
        v => {
            return Err(invalid(format!(
                "errors.new: `retryable` must be a boolean, got {}",
                type_name(&v)
            )));
        }
    }
    match field("details")? {
        Value::Nil => {}
        v => {
            let details =
                to_payload(&v).map_err(|err| invalid(format!("errors.new: `details`: {err}")))?;
            e = e.with_details(details);
        }
    }
    Ok(e)
}

/// `errors.wrap(err, msg)`: message `"msg: <err's message>"`, everything else kept. A nil
/// `err` gives nil; a nil `msg` gives `err` as it is.
fn wrap(lua: &Lua, (err, msg): (Value, Value)) -> mlua::Result<(Value, Value)> {
    if err.is_nil() {
        return Ok((Value::Nil, Value::Nil));
    }
    let prefix = match &msg {
        Value::Nil => None,
        Value::String(s) => Some(s.to_string_lossy()),
        v @ (Value::Integer(_) | Value::Number(_)) => Some(number_text(v)),
        v => {
            return fail(
                lua,
                ErrorKind::Invalid,
                format!("errors.wrap expects a string message, got {}", type_name(v)),
            );
        }
    };
    let inner = from_lua_value(&err);
    let Some(prefix) = prefix else {
        return Ok((new_error(lua, inner)?, Value::Nil));
    };
    let mut e = rebuild(&inner, format!("{prefix}: {}", inner.message()));
    if e.stack().is_none()
        && let Some(stack) = traceback(lua)
    {
        e = e.with_stack(stack);
    }
    Ok((new_error(lua, e)?, Value::Nil))
}

/// `inner` with another message.
fn rebuild(inner: &ErrorValue, message: String) -> ErrorValue {
    let mut e = ErrorValue::new(inner.kind().clone(), message);
    if let Some(r) = inner.retryable() {
        e = e.with_retryable(r);
    }
    if let Some(d) = inner.details() {
        e = e.with_details(d.clone());
    }
    if let Some(s) = inner.stack() {
        e = e.with_stack(s);
    }
    e
}

/// `errors.call_stack(err)`: `{frames = {{source, line, name}, ...}}` parsed from the
/// error's traceback, innermost frame first, or nil when it has none. `line` is nil for
/// frames without one (C functions).
fn call_stack(lua: &Lua, err: Value) -> mlua::Result<Value> {
    let Some(e) = as_error(&err) else {
        return Ok(Value::Nil);
    };
    let Some(stack) = e.stack() else {
        return Ok(Value::Nil);
    };
    let frames = lua.create_table()?;
    for frame in parse_traceback(stack) {
        let f = lua.create_table_with_capacity(0, 3)?;
        f.raw_set("source", frame.source)?;
        f.raw_set("line", frame.line)?;
        f.raw_set("name", frame.name)?;
        frames.raw_push(f)?;
    }
    let t = lua.create_table_with_capacity(0, 1)?;
    t.raw_set("frames", frames)?;
    Ok(Value::Table(t))
}

/// One line of a Lua traceback.
#[derive(Debug, PartialEq, Eq)]
struct Frame<'a> {
    /// The chunk name, as Lua shortens it (`[string "..."]`, `[C]`, a file name).
    source: &'a str,
    /// The current line, if the frame has one.
    line: Option<i64>,
    /// The function's name (`f` in `in local 'f'`), or Lua's description of it
    /// (`main chunk`, `function <file:3>`, `?`).
    name: &'a str,
}

/// Parses the lines `luaL_traceback` writes (`\tsource:line: in what 'name'`); lines of
/// another shape (the header, `(...tail calls...)`, skipped levels) are left out.
fn parse_traceback(stack: &str) -> impl Iterator<Item = Frame<'_>> {
    stack.lines().filter_map(|line| {
        let line = line.trim();
        let (location, what) = line.split_once(": in ")?;
        let (source, line) = match location.rsplit_once(':') {
            Some((source, n)) => match n.parse::<i64>() {
                Ok(n) => (source, Some(n)),
                Err(_) => (location, None),
            },
            None => (location, None),
        };
        let name = match (what.find('\''), what.rfind('\'')) {
            (Some(a), Some(b)) if b > a => &what[a + 1..b],
            _ => what,
        };
        Some(Frame { source, line, name })
    })
}

/// Splits mlua's "message\nstack traceback:\n..." into the message and the traceback.
fn split_traceback(text: &str) -> (&str, Option<&str>) {
    match text.find("\nstack traceback:") {
        Some(at) => (&text[..at], Some(text[at + 1..].trim_end())),
        None if text.starts_with("stack traceback:") => ("", Some(text.trim_end())),
        None => (text, None),
    }
}

/// The traceback of the Lua code calling the current Rust function, if there is one.
fn traceback(lua: &Lua) -> Option<String> {
    // Level 0 is the Rust function itself, level 1 its caller.
    let s = lua.traceback(None, 1).ok()?.to_string_lossy();
    // Nothing but the header when no Lua code is running (a call straight from Rust).
    (s.trim_end() != "stack traceback:").then_some(s)
}

/// A number as Lua's `tostring` writes it.
fn number_text(v: &Value) -> String {
    match v {
        Value::Integer(i) => i.to_string(),
        // Shortest round-trip form, with `.0` on integral values as Lua 5.4 writes them.
        Value::Number(n) => format!("{n:?}"),
        _ => String::new(),
    }
}
