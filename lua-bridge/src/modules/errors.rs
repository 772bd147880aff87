//! The `errors` global and the structured error userdata (reference §1.1, §1.8).
//!
//! Every failing operation returns `nil, err` where `err` is an error userdata: it holds an
//! `Arc<ErrorValue>`, shared with the payload copy of the error, so sending an error to
//! another process copies nothing but the pointer ([`crate::value`]); the receiving VM gets
//! its own userdata around the same value. The userdata owns its `Arc` (dropped by `__gc`);
//! Rust code that reads one (`error_value`) gets its own clone of the `Arc`.
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
//! the error was made (by `errors.new`, or by a Rust function through `fail`) or where it
//! was raised (see `message_handler`).
//!
//! Two errors are `==` only when they are the same error (two userdata around one value, as
//! an EXIT event's `error` and `result.error` are): the original compares its error objects
//! by identity and gives them no `__eq`, so two errors made alike are not equal.
//!
//! # Raised errors
//!
//! Whatever Lua code raises (`error(x)`) or returns as `err` becomes an error value through
//! `error_from_stack`: an error userdata keeps its value (kind included), a string is the
//! message, a table is read like `errors.new` reads it. A host that wants the traceback of
//! the raise too runs the code with `message_handler` as the `lua_pcall` message handler,
//! which turns whatever was raised into an error userdata carrying it.

use std::ffi::c_int;
use std::sync::Arc;

use wippy_runtime::payload::{ErrorKind, ErrorValue, Map, MapKey, Payload, Text};

use crate::value::push_payload;
use crate::vm::alloc::{self, Charged};
use crate::vm::lua::{
    CFn, LResult, LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, Lua, Raise, UserType, cfn,
    method_index,
};

method_index!(fn error_index {
    b"message" => cfn(error_message),
    b"kind" => cfn(error_kind),
    b"retryable" => cfn(error_retryable),
    b"details" => cfn(error_details),
    b"stack" => cfn(error_stack),
});

/// The error userdata type: the block holds an `Arc<ErrorValue>` and the charge of its
/// Rust bytes to the VM's memory limit ([`error_bytes`]; `vm/alloc.rs`).
static ERROR: UserType<Charged<Arc<ErrorValue>>> = UserType::new(
    c"wippy.error",
    Some(error_index as CFn),
    &[
        ("__tostring", cfn(error_text)),
        ("__concat", cfn(error_concat)),
        ("__eq", cfn(error_eq)),
    ],
);

/// Pushes the `errors` table: `new`, `wrap`, `is`, `call_stack` and the kind constants
/// (`errors.NOT_FOUND == "NotFound"`, `errors.UNKNOWN == ""`, and so on for every
/// [`ErrorKind::NAMED`]: the original runtime's strings).
///
/// Lua errors: none from the functions; bad input gives `nil, err` (kind `INVALID`).
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(4)?;
    lua.new_table(0, 4 + ErrorKind::NAMED.len() as c_int);
    for kind in &ErrorKind::NAMED {
        lua.push_str(kind.as_str());
        lua.set_field_str(-2, kind.constant_name().unwrap_or_default());
    }
    for (name, f) in [
        ("new", cfn(new)),
        ("wrap", cfn(wrap)),
        ("is", cfn(is)),
        ("call_stack", cfn(call_stack)),
    ] {
        lua.push_fn(f);
        lua.set_field_str(-2, name);
    }
    Ok(())
}

/// Pushes an error userdata around `e` as it is (no stack is added). The VM's userdata
/// owns the `Arc` from then on.
///
/// Needs room for 4 values (the metatable is built on first use). A memory error unwinds
/// to the enclosing protected call.
///
/// These are the errors the bindings return and the errors that arrive from elsewhere
/// (in messages, EXIT events, function results): made already, so their bytes are
/// charged to the VM's memory limit even past it ([`alloc::charge_received`]; the
/// script's next allocation then fails), and released when the userdata is collected.
/// The errors a script makes from values it chose go through [`push_new_error`], which
/// refuses what does not fit.
pub(crate) fn push_error(lua: Lua, e: impl Into<Arc<ErrorValue>>) {
    let e = e.into();
    let charge = alloc::charge_received(lua, error_bytes(&e) + alloc::ARC_HEADER);
    lua.push_userdata(Charged::new(e, charge), &ERROR);
}

/// Pushes an error userdata around `e`, a new error of a size the script chose
/// (`errors.new`, `errors.wrap`), its bytes charged to the VM's memory limit.
///
/// Errors: [`Raise::Memory`], Lua's memory error, when they do not fit even after a
/// full collection (`e` is dropped first).
fn push_new_error(lua: Lua, e: ErrorValue) -> LResult<()> {
    let charge =
        alloc::charge(lua, error_bytes(&e) + alloc::ARC_HEADER).map_err(|_| Raise::Memory)?;
    lua.push_userdata(Charged::new(Arc::new(e), charge), &ERROR);
    Ok(())
}

/// The bytes of the Rust allocations an error value holds: its block and its texts and
/// details (as `payload::payload_bytes` counts them).
pub(crate) fn error_bytes(e: &ErrorValue) -> usize {
    std::mem::size_of::<ErrorValue>()
        + e.message().len()
        + e.stack().map_or(0, |s| alloc::ARC_HEADER + s.len())
        + e.context().map_or(0, |s| alloc::ARC_HEADER + s.len())
        + e.details().map_or(0, |d| {
            std::mem::size_of::<wippy_runtime::payload::Payload>()
                + crate::modules::payload::payload_bytes(d)
        })
}

/// Pushes `nil` and the error userdata of `e` (a failure return); returns 2.
pub(crate) fn push_nil_error(lua: Lua, e: impl Into<Arc<ErrorValue>>) -> c_int {
    lua.push_nil();
    push_error(lua, e);
    2
}

/// `nil, err`: the failure return of every module function. Pushes `nil` and an error
/// userdata, not retryable (as the original's module errors), whose stack is the Lua
/// traceback of the caller of the running bound function (none when no Lua code is
/// running), and returns `Ok(2)`.
///
/// Errors: the stack cannot grow.
pub(crate) fn fail(lua: Lua, kind: ErrorKind, message: impl Into<String>) -> LResult<c_int> {
    lua.ensure(6)?;
    let e = with_traceback(lua, ErrorValue::new(kind, message).with_retryable(false));
    lua.push_nil();
    push_error(lua, e);
    Ok(2)
}

/// `false, err`: the failure return of the calls that return a boolean (`set_options`,
/// `json.validate`), otherwise as [`fail`]. Drops whatever the stack held first.
///
/// Errors: the stack cannot grow.
pub(crate) fn fail_false(lua: Lua, kind: ErrorKind, message: impl Into<String>) -> LResult<c_int> {
    lua.set_top(0);
    lua.push_bool(false);
    fail(lua, kind, message)?;
    lua.remove(-2);
    Ok(2)
}

/// `true` if the value at `idx` is an error userdata. Never raises.
pub(crate) fn is_error(lua: Lua, idx: c_int) -> bool {
    lua.userdata(idx, &ERROR).is_some()
}

/// The error value of the error userdata at `idx` (a clone of its `Arc`); `None` for
/// anything else. Never raises, allocates nothing in the VM.
pub(crate) fn error_value(lua: Lua, idx: c_int) -> Option<Arc<ErrorValue>> {
    lua.userdata(idx, &ERROR).map(|v| Arc::clone(&v.value))
}

/// The message of a table raised as an error with no `message` field, in Lua's own
/// words. A process that fails with such a table is named by its `__tostring` if it has
/// one (`vm::error_name::name_error_object`).
pub(crate) const UNNAMED_TABLE: &str = "(error object is a table value)";

/// Turns any Lua value used as an error (raised, or returned as `err`) into an error value:
/// an error userdata gives its value (kind kept); a string is the message (kind `UNKNOWN`;
/// a traceback appended to it, `"msg\nstack traceback:\n..."`, becomes the stack); a number
/// is its text; a table is read like `errors.new` reads it; anything else says what it was,
/// as Lua's own "(error object is a X value)".
///
/// Never raises and allocates nothing in the VM, so it may run on the error object of a
/// failed call outside any protected call. The stack is left as it was.
pub(crate) fn error_from_stack(lua: Lua, idx: c_int) -> ErrorValue {
    if let Some(e) = error_value(lua, idx) {
        return Arc::unwrap_or_clone(e);
    }
    match lua.kind(idx) {
        LUA_TSTRING => {
            let text = lua.string(idx).unwrap_or_default();
            let (message, stack) = split_traceback(&text);
            let e = ErrorValue::new(ErrorKind::Unknown, message);
            match stack {
                Some(stack) => e.with_stack(stack),
                None => e,
            }
        }
        LUA_TNUMBER => ErrorValue::new(ErrorKind::Unknown, number_text(lua, idx)),
        LUA_TTABLE => {
            let e = from_table(lua, idx, false).unwrap_or_else(|e| e);
            if e.message().is_empty() {
                // A raised table without a message (`error({code = 5})`): Lua's own words
                // for it, so that the log and the CLI say something.
                e.with_message(UNNAMED_TABLE)
            } else {
                e
            }
        }
        _ => ErrorValue::new(
            ErrorKind::Unknown,
            format!("(error object is a {} value)", lua.type_name(idx)),
        ),
    }
}

/// A `lua_pcall` message handler (a bound function, `cfn(message_handler)`): turns
/// whatever was raised into an error userdata (see [`error_from_stack`]) carrying the
/// traceback of the raise, unless it already has a stack.
///
/// Lua errors: out of memory (then Lua reports an error in the handler).
pub(crate) fn message_handler(lua: Lua) -> LResult<c_int> {
    lua.ensure(6)?;
    if lua.userdata(1, &ERROR).is_some_and(|e| e.stack().is_some()) {
        lua.push_value(1);
        return Ok(1);
    }
    let e = error_from_stack(lua, 1);
    let e = if e.stack().is_some() {
        e
    } else {
        with_traceback(lua, e)
    };
    push_error(lua, e);
    Ok(1)
}

/// The error of a method's receiver (argument 1); `None` for anything else, for which
/// each method gives what the original's gives (`""` or `nil`), as its methods do when
/// called on a value that is not an error (`err.kind("x")`).
fn this<'a>(lua: Lua) -> Option<&'a Arc<ErrorValue>> {
    lua.userdata(1, &ERROR).map(|e| &e.value)
}

/// `err:message()`: the message, without what `errors.wrap` added.
fn error_message(lua: Lua) -> LResult<c_int> {
    lua.push_str(this(lua).map_or("", |e| e.message()));
    Ok(1)
}

/// `__tostring`: the message after the context `errors.wrap` added.
fn error_text(lua: Lua) -> LResult<c_int> {
    match this(lua) {
        Some(e) => lua.try_push_bytes(e.text().as_bytes())?,
        None => lua.push_str(""),
    }
    Ok(1)
}

/// `err:kind()`.
fn error_kind(lua: Lua) -> LResult<c_int> {
    lua.push_str(this(lua).map_or("", |e| e.kind().as_str()));
    Ok(1)
}

/// `err:retryable()`: a boolean, or nil when never set.
fn error_retryable(lua: Lua) -> LResult<c_int> {
    match this(lua).and_then(|e| e.retryable()) {
        Some(r) => lua.push_bool(r),
        None => lua.push_nil(),
    }
    Ok(1)
}

/// `err:details()`: a fresh copy of the details, or nil.
fn error_details(lua: Lua) -> LResult<c_int> {
    match this(lua).and_then(|e| e.details()) {
        Some(d) => push_payload(lua, d)?,
        None => lua.push_nil(),
    }
    Ok(1)
}

/// `err:stack()`: the traceback, or nil when the error has none (`""` on a non-error).
fn error_stack(lua: Lua) -> LResult<c_int> {
    match this(lua) {
        Some(e) => match e.stack() {
            Some(s) => lua.push_str(s),
            None => lua.push_nil(),
        },
        None => lua.push_str(""),
    }
    Ok(1)
}

/// `a .. b` with an error on either side: an error gives its message, strings and numbers
/// give what Lua's `..` gives.
fn error_concat(lua: Lua) -> LResult<c_int> {
    let mut out = Vec::new();
    concat_operand(lua, 1, &mut out)?;
    concat_operand(lua, 2, &mut out)?;
    lua.try_push_bytes(&out)?;
    Ok(1)
}

/// Appends one operand of `..` to `out`.
fn concat_operand(lua: Lua, idx: c_int, out: &mut Vec<u8>) -> LResult<()> {
    if let Some(e) = lua.userdata(idx, &ERROR) {
        out.extend_from_slice(e.text().as_bytes());
        return Ok(());
    }
    match lua.kind(idx) {
        LUA_TSTRING => out.extend_from_slice(lua.bytes(idx).unwrap_or_default()),
        // Lua's own number formatting, as `..` writes numbers.
        LUA_TNUMBER => out.extend_from_slice(lua.display(idx).as_bytes()),
        _ => {
            return Err(Raise::from(format!(
                "attempt to concatenate a {} value",
                lua.type_name(idx)
            )));
        }
    }
    Ok(())
}

/// `a == b` for two userdata, at least one an error.
fn error_eq(lua: Lua) -> LResult<c_int> {
    // Each `Arc` is cloned before the other is looked at: both may be one userdata.
    let a = lua.userdata(1, &ERROR).map(|e| Arc::clone(&e.value));
    let b = lua.userdata(2, &ERROR).map(|e| Arc::clone(&e.value));
    let same = match (a, b) {
        (Some(a), Some(b)) => same_error(&a, &b),
        _ => false,
    };
    lua.push_bool(same);
    Ok(1)
}

fn same_error(a: &Arc<ErrorValue>, b: &Arc<ErrorValue>) -> bool {
    Arc::ptr_eq(a, b)
}

/// `errors.new(message | {message, kind, retryable, details})`: the error, one value (the
/// original declares one result, so that `process.send(pid, topic, errors.new(m))` sends
/// one payload). An error gives itself.
///
/// Lua errors: as the original's `ArgError`, an argument that is neither a string nor a
/// table, a table without a `message`, and (where the original ignores the field; here
/// it is named) a `kind` that is not a string, a `retryable` that is not a boolean, or
/// `details` that are not a table or cannot be copied; Lua's memory error when the
/// error's Rust bytes do not fit under the process's memory limit.
fn new(lua: Lua) -> LResult<c_int> {
    lua.ensure(6)?;
    lua.set_top(1);
    if is_error(lua, 1) {
        return Ok(1);
    }
    let e = match lua.kind(1) {
        LUA_TSTRING => ErrorValue::new(ErrorKind::Unknown, lua.string(1).unwrap_or_default()),
        LUA_TTABLE => {
            from_table(lua, 1, true).map_err(|bad| Raise::from(bad.message().to_owned()))?
        }
        _ => {
            return Err(Raise::from(format!(
                "bad argument #1 to 'new' (expected string or table, got {})",
                lua.type_name(1)
            )));
        }
    };
    let e = with_traceback(lua, e);
    push_new_error(lua, e)?;
    Ok(1)
}

/// Reads `{message, kind, retryable, details}` from the table at `idx`; `Err` is the error
/// to raise instead. Without `message_required`, a table without a message gives an
/// empty one (a raised table, `error({code = 5})`).
///
/// The table is walked raw with `lua_next` (its fields are matched by name), so reading
/// allocates nothing in the VM and never raises. Fields are judged in the order message,
/// kind, retryable, details: the first bad one is reported.
fn from_table(lua: Lua, idx: c_int, message_required: bool) -> Result<ErrorValue, ErrorValue> {
    let invalid = |m: String| ErrorValue::new(ErrorKind::Invalid, m);
    let must_be = |field: &str, what: &str, ty: &str| {
        invalid(format!(
            "bad argument #1 to 'new' (`{field}` must be {what}, got {ty})"
        ))
    };
    let idx = lua.abs(idx);
    if lua.ensure(3).is_err() {
        return Err(invalid(
            "errors.new: cannot read the table (Lua stack overflow)".to_owned(),
        ));
    }
    let top = lua.top();
    let mut message = if message_required {
        Err(invalid(
            "bad argument #1 to 'new' (message field is required)".to_owned(),
        ))
    } else {
        Ok(String::new())
    };
    let mut kind = Ok(ErrorKind::Unknown);
    let mut retryable = Ok(None);
    let mut details = Ok(None);
    lua.push_nil();
    while lua.next(idx) {
        match lua.bytes(-2) {
            Some(b"message") => {
                message = match lua.kind(-1) {
                    LUA_TSTRING => Ok(lua.string(-1).unwrap_or_default()),
                    // A raised table's number message is its text; `errors.new` takes
                    // strings only, as the original's `msgVal.(LString)`.
                    LUA_TNUMBER if !message_required => Ok(number_text(lua, -1)),
                    _ => Err(must_be("message", "a string", lua.type_name(-1))),
                };
            }
            Some(b"kind") => {
                kind = match lua.bytes(-1) {
                    Some([]) => Ok(ErrorKind::Unknown),
                    Some(k) => Ok(ErrorKind::from_name(&String::from_utf8_lossy(k))),
                    None => Err(must_be("kind", "a string", lua.type_name(-1))),
                };
            }
            Some(b"retryable") => {
                retryable = match lua.kind(-1) {
                    LUA_TBOOLEAN => Ok(Some(lua.truthy(-1))),
                    _ => Err(must_be("retryable", "a boolean", lua.type_name(-1))),
                };
            }
            Some(b"details") if lua.kind(-1) != LUA_TTABLE => {
                details = Err(must_be("details", "a table", lua.type_name(-1)));
            }
            Some(b"details") => {
                // No string key is no details (as in the original, whose details are a
                // map of the table's string keys).
                details = details_map(lua, -1, 0)
                    .map(|d| (!d.is_empty()).then(|| Payload::Map(Arc::new(d))))
                    .map_err(|err| invalid(format!("bad argument #1 to 'new' (`details`: {err})")));
            }
            _ => {}
        }
        lua.pop(1);
    }
    lua.set_top(top);
    let message = message?;
    let mut e = ErrorValue::new(kind?, message);
    if let Some(r) = retryable? {
        e = e.with_retryable(r);
    }
    if let Some(d) = details? {
        e = e.with_details(d);
    }
    Ok(e)
}

/// How deep `details` tables may nest (a cycle nests for ever).
const DETAILS_DEPTH: usize = 100;

/// The details of an error from the table at `idx`, as the original's `luaToGoValue`
/// reads them: a map of the table's string keys (other keys are left out, so an array
/// gives an empty map), whose values are strings, integers, floats, booleans, maps of the
/// same kind for tables, and for anything else its text (`"function: 0x..."`, an
/// error's message). `Err` names a table nested deeper than [`DETAILS_DEPTH`] levels.
///
/// Walks raw with `lua_next` and never raises (see `from_table`).
fn details_map(lua: Lua, idx: c_int, depth: usize) -> Result<Map, String> {
    if depth >= DETAILS_DEPTH {
        return Err(format!(
            "tables nested deeper than {DETAILS_DEPTH} levels (or a cycle)"
        ));
    }
    if lua.ensure(3).is_err() {
        return Err("cannot read the table (Lua stack overflow)".to_owned());
    }
    let idx = lua.abs(idx);
    let top = lua.top();
    let mut map = Map::new();
    lua.push_nil();
    while lua.next(idx) {
        if let Some(key) = lua.bytes(-2) {
            let value = match lua.kind(-1) {
                LUA_TSTRING => Payload::string(lua.bytes(-1).unwrap_or_default()),
                LUA_TNUMBER => match lua.int(-1) {
                    Some(i) => Payload::Int(i),
                    None => Payload::Float(lua.number(-1).unwrap_or(f64::NAN)),
                },
                LUA_TBOOLEAN => Payload::Bool(lua.truthy(-1)),
                LUA_TTABLE => match details_map(lua, -1, depth + 1) {
                    Ok(inner) => Payload::Map(Arc::new(inner)),
                    Err(e) => {
                        lua.set_top(top);
                        return Err(e);
                    }
                },
                _ => match error_value(lua, -1) {
                    Some(e) => Payload::string(e.message()),
                    None => {
                        Payload::string(format!("{}: {:p}", lua.type_name(-1), lua.pointer(-1)))
                    }
                },
            };
            map.insert(MapKey::Str(Text::copy_from_slice(key)), value);
        }
        lua.pop(1);
    }
    lua.set_top(top);
    Ok(map)
}

/// `errors.wrap(err, context)`: `err` (an error or a string) with `context` (a string, or
/// an error's message) added: its message, kind, retryable flag and details stay (as in
/// the original), and `tostring` gives `"context: <message>"`. One value, as `errors.new`.
///
/// Lua errors: as the original's `ArgError`, an `err` that is neither an error nor a
/// string, and a `context` that is neither a string nor an error (numbers included, as
/// the original's type switch takes none); Lua's memory error when the wrapped error's
/// Rust bytes do not fit under the process's memory limit.
fn wrap(lua: Lua) -> LResult<c_int> {
    lua.ensure(6)?;
    lua.set_top(2);
    if !is_error(lua, 1) && lua.kind(1) != LUA_TSTRING {
        return Err(Raise::from(format!(
            "bad argument #1 to 'wrap' (expected string or error object, got {})",
            lua.type_name(1)
        )));
    }
    let context = match lua.kind(2) {
        LUA_TSTRING => lua.string(2).unwrap_or_default(),
        _ => match error_value(lua, 2) {
            Some(e) => e.message().to_owned(),
            None => {
                return Err(Raise::from(format!(
                    "bad argument #2 to 'wrap' (expected string or error object, got {})",
                    lua.type_name(2)
                )));
            }
        },
    };
    let mut e = error_from_stack(lua, 1).wrapped(&context);
    if e.stack().is_none() {
        e = with_traceback(lua, e);
    }
    push_new_error(lua, e)?;
    Ok(1)
}

/// `errors.is(err, kind)`: `true` if `err` is an error of that kind.
///
/// Lua errors: no `err` argument at all, or a `kind` that is not a string (as the
/// original's `CheckAny` and `CheckString`).
fn is(lua: Lua) -> LResult<c_int> {
    if lua.top() < 1 {
        return Err(Raise::from(
            "bad argument #1 to 'is' (value expected)".to_owned(),
        ));
    }
    let kind = lua.check_string(2, "is")?;
    let same = error_value(lua, 1).is_some_and(|e| e.kind().as_str() == kind);
    lua.push_bool(same);
    Ok(1)
}

/// `errors.call_stack(err)`: `{frames = {{level, type, source, line, name}, ...}}` parsed from the
/// error's traceback, innermost frame first, or nil when it has none. `line` is nil for
/// frames without one (C functions).
fn call_stack(lua: Lua) -> LResult<c_int> {
    let Some(e) = error_value(lua, 1) else {
        lua.push_nil();
        return Ok(1);
    };
    let Some(stack) = e.stack() else {
        lua.push_nil();
        return Ok(1);
    };
    lua.ensure(6)?;
    lua.new_table(0, 1);
    lua.new_table(0, 0);
    for (i, frame) in (1_i64..).zip(parse_traceback(stack)) {
        lua.new_table(0, 5);
        // As the original's frames: the level counts from 0, innermost first; the type
        // is Lua's `what` (`C`, `main` or `Lua`).
        lua.push_int(i - 1);
        lua.set_field(-2, c"level");
        lua.push_str(if frame.source == "[C]" {
            "C"
        } else if frame.name == "main chunk" {
            "main"
        } else {
            "Lua"
        });
        lua.set_field(-2, c"type");
        lua.push_str(frame.source);
        lua.set_field(-2, c"source");
        if let Some(line) = frame.line {
            lua.push_int(line);
            lua.set_field(-2, c"line");
        }
        lua.push_str(frame.name);
        lua.set_field(-2, c"name");
        lua.set_index(-2, i);
    }
    lua.set_field(-2, c"frames");
    Ok(1)
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

/// Splits "message\nstack traceback:\n..." into the message and the traceback.
fn split_traceback(text: &str) -> (&str, Option<&str>) {
    match text.find("\nstack traceback:") {
        Some(at) => (&text[..at], Some(text[at + 1..].trim_end())),
        None if text.starts_with("stack traceback:") => ("", Some(text.trim_end())),
        None => (text, None),
    }
}

/// `e` with the traceback of the Lua code calling the running bound function as its stack;
/// `e` as it is when no Lua code is running (a call straight from Rust).
pub(crate) fn with_traceback(lua: Lua, e: ErrorValue) -> ErrorValue {
    // Level 0 is the bound function itself, level 1 its caller.
    let s = lua.traceback(1);
    if s.is_empty() || s.trim_end() == "stack traceback:" {
        return e;
    }
    e.with_stack(s)
}

/// A number as the error messages write it: integers as Lua does, floats in their
/// shortest round-trip form with `.0` on integral values.
fn number_text(lua: Lua, idx: c_int) -> String {
    match lua.int(idx) {
        Some(i) => i.to_string(),
        None => format!("{:?}", lua.number(idx).unwrap_or(f64::NAN)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::instance::Vm;

    #[test]
    fn traceback_lines_parse_into_frames() {
        let stack = "stack traceback:\n\t[C]: in function 'error'\n\tchunk:3: in local 'inner'\n\t(...tail calls...)\n\tchunk:5: in main chunk";
        let frames: Vec<_> = parse_traceback(stack).collect();
        assert_eq!(
            frames,
            [
                Frame {
                    source: "[C]",
                    line: None,
                    name: "error"
                },
                Frame {
                    source: "chunk",
                    line: Some(3),
                    name: "inner"
                },
                Frame {
                    source: "chunk",
                    line: Some(5),
                    name: "main chunk"
                },
            ]
        );
    }

    #[test]
    fn a_traceback_in_a_message_is_split_off() {
        assert_eq!(
            split_traceback("boom\nstack traceback:\n\tx: in ?\n"),
            ("boom", Some("stack traceback:\n\tx: in ?"))
        );
        assert_eq!(split_traceback("plain"), ("plain", None));
        assert_eq!(
            split_traceback("stack traceback:\n\tx"),
            ("", Some("stack traceback:\n\tx"))
        );
    }

    fn fail_from_rust(lua: Lua) -> LResult<c_int> {
        fail(lua, ErrorKind::Internal, "x")?;
        let e = error_value(lua, -1).ok_or("no error pushed")?;
        if e.stack().is_some() || e.kind() != &ErrorKind::Internal {
            return Err(Raise::from("fail from Rust: unexpected error value"));
        }
        lua.pop(2);
        Ok(0)
    }

    #[test]
    fn fail_straight_from_rust_has_no_stack() {
        let vm = Vm::new(0, None).unwrap();
        vm.protected(cfn(fail_from_rust), std::ptr::null_mut())
            .unwrap();
    }
}
