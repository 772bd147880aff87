//! The `errors` global and the error userdata: `wippy_lua::modules::errors`.

use mlua::{Lua, Value};
use wippy_lua::modules::errors::{
    self, LuaError, as_error, from_lua_error, from_lua_value, message_handler, push_error,
};
use wippy_runtime::payload::{ErrorKind, ErrorValue};

fn vm() -> Lua {
    let lua = Lua::new();
    errors::install(&lua).unwrap();
    lua
}

fn run(lua: &Lua, src: &str) {
    lua.load(src).exec().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn kind_constants_are_their_names() {
    let lua = vm();
    for kind in &ErrorKind::NAMED {
        let v: String = lua
            .load(format!("return errors.{}", kind.as_str()))
            .eval()
            .unwrap();
        assert_eq!(v, kind.as_str());
    }
    run(
        &lua,
        "assert(errors.NOT_FOUND == 'NOT_FOUND'); assert(errors.RATE_LIMITED == 'RATE_LIMITED')",
    );
}

#[test]
fn new_from_a_string() {
    run(
        &vm(),
        "local err = errors.new('something went wrong') \
         assert(err:message() == 'something went wrong') \
         assert(err:kind() == errors.UNKNOWN) \
         assert(err:retryable() == nil) \
         assert(err:details() == nil) \
         assert(type(err:stack()) == 'string') \
         assert(tostring(err) == 'something went wrong')",
    );
}

#[test]
fn new_from_a_table() {
    run(
        &vm(),
        "local err = errors.new({message = 'user not found', kind = errors.NOT_FOUND, \
                                 retryable = false, details = {user_id = 123, tags = {'a', 'b'}}}) \
         assert(err:message() == 'user not found') \
         assert(err:kind() == 'NOT_FOUND') \
         assert(err:retryable() == false) \
         local d = err:details() \
         assert(d.user_id == 123 and d.tags[2] == 'b') \
         assert(errors.new({message = 'x', kind = 'CUSTOM'}):kind() == 'CUSTOM') \
         assert(errors.new({message = 'x', retryable = true}):retryable() == true)",
    );
}

#[test]
fn new_with_bad_input_returns_nil_err() {
    run(
        &vm(),
        "local e, err = errors.new(42) assert(e == nil and err:kind() == errors.INVALID) \
         local e, err = errors.new({message = {}}) assert(e == nil and err:kind() == 'INVALID') \
         local e, err = errors.new({message = 'x', retryable = 'yes'}) assert(e == nil) \
         local t = {} t.t = t \
         local e, err = errors.new({message = 'x', details = t}) \
         assert(e == nil and err:message():find('itself'))",
    );
}

#[test]
fn wrap_prefixes_the_message_and_keeps_the_rest() {
    run(
        &vm(),
        "local inner = errors.new({message = 'no rows', kind = errors.NOT_FOUND, retryable = true, details = {q = 1}}) \
         local err = errors.wrap(inner, 'failed to load users') \
         assert(err:message() == 'failed to load users: no rows') \
         assert(err:kind() == errors.NOT_FOUND and err:retryable() == true and err:details().q == 1) \
         assert(errors.is(err, errors.NOT_FOUND)) \
         assert(errors.wrap('plain', 'ctx'):message() == 'ctx: plain') \
         assert(errors.wrap(nil, 'ctx') == nil) \
         assert(errors.wrap(inner):message() == 'no rows')",
    );
}

#[test]
fn is_compares_kinds() {
    run(
        &vm(),
        "local err = errors.new({message = 'x', kind = errors.TIMEOUT}) \
         assert(errors.is(err, errors.TIMEOUT)) \
         assert(not errors.is(err, errors.NOT_FOUND)) \
         assert(not errors.is('TIMEOUT', errors.TIMEOUT)) \
         assert(not errors.is(nil, errors.TIMEOUT)) \
         assert(not errors.is(err, nil))",
    );
}

#[test]
fn concat_works_in_both_orders_and_with_numbers() {
    run(
        &vm(),
        "local err = errors.new('boom') \
         assert('spawn failed: ' .. err == 'spawn failed: boom') \
         assert(err .. '!' == 'boom!') \
         assert(err .. err == 'boomboom') \
         assert(1 .. err == '1boom') \
         assert(err .. 2.5 == 'boom2.5') \
         local ok, msg = pcall(function() return err .. {} end) \
         assert(not ok and tostring(msg):find('concatenate'))",
    );
}

#[test]
fn equality_is_by_value_not_by_stack() {
    run(
        &vm(),
        "local a = errors.new({message = 'x', kind = errors.INVALID}) \
         local b = errors.new({message = 'x', kind = errors.INVALID}) \
         local c = errors.new({message = 'y', kind = errors.INVALID}) \
         assert(a == a) assert(a == b) assert(a ~= c) assert(a ~= 'x')",
    );
}

#[test]
fn stack_and_call_stack() {
    let lua = vm();
    run(
        &lua,
        "local function make() return errors.new('deep') end \
         local err = make() \
         assert(err:stack():find('stack traceback:', 1, true)) \
         assert(err:stack():find('make', 1, true), err:stack()) \
         local cs = errors.call_stack(err) \
         assert(#cs.frames >= 2) \
         local f = cs.frames[1] \
         assert(f.name == 'make', f.name) \
         assert(type(f.line) == 'number' and f.line >= 1) \
         assert(type(f.source) == 'string') \
         assert(errors.call_stack('not an error') == nil)",
    );
}

#[test]
fn push_error_gives_the_nil_err_convention() {
    let lua = vm();
    let f = lua
        .create_function(|lua, ()| {
            Ok((Value::Nil, push_error(lua, ErrorKind::Unavailable, "down")?))
        })
        .unwrap();
    lua.globals().set("op", f).unwrap();
    run(
        &lua,
        "local v, err = op() \
         assert(v == nil) assert(err:kind() == errors.UNAVAILABLE) assert(err:message() == 'down') \
         assert(err:stack():find('stack traceback', 1, true))",
    );
    // Straight from Rust (no Lua code running): no stack.
    let v = push_error(&lua, ErrorKind::Internal, "x").unwrap();
    assert_eq!(as_error(&v).unwrap().stack(), None);
}

#[test]
fn from_lua_error_keeps_message_and_traceback() {
    let lua = vm();
    let err = lua
        .load("local function inner() error('boom') end\ninner()")
        .set_name("=chunk")
        .exec()
        .unwrap_err();
    let e = from_lua_error(&err);
    assert_eq!(e.message(), "chunk:1: boom");
    assert_eq!(e.kind(), &ErrorKind::Unknown);
    let stack = e.stack().expect("a traceback");
    assert!(stack.starts_with("stack traceback:"), "{stack}");
    assert!(stack.contains("inner"), "{stack}");
}

#[test]
fn from_lua_error_of_a_raised_error_userdata_keeps_its_message() {
    let lua = vm();
    let err = lua
        .load("error(errors.new({message = 'typed', kind = errors.CONFLICT}))")
        .exec()
        .unwrap_err();
    let e = from_lua_error(&err);
    assert_eq!(e.message(), "typed");
    assert!(e.stack().is_some());
}

#[test]
fn from_lua_error_of_a_rust_error_value_keeps_its_kind() {
    let lua = vm();
    let f = lua
        .create_function(|_, ()| -> mlua::Result<()> {
            Err(mlua::Error::external(ErrorValue::new(
                ErrorKind::PermissionDenied,
                "no",
            )))
        })
        .unwrap();
    lua.globals().set("op", f).unwrap();
    let err = lua.load("op()").exec().unwrap_err();
    let e = from_lua_error(&err);
    assert_eq!(e.kind(), &ErrorKind::PermissionDenied);
    assert_eq!(e.message(), "no");
    assert!(e.stack().is_some());
    let ctx = from_lua_error(&mlua::Error::WithContext {
        context: "while starting".into(),
        cause: std::sync::Arc::new(mlua::Error::external(ErrorValue::new(
            ErrorKind::Timeout,
            "slow",
        ))),
    });
    assert_eq!(ctx.message(), "while starting: slow");
    assert_eq!(ctx.kind(), &ErrorKind::Timeout);
}

#[test]
fn message_handler_keeps_the_kind_of_a_raised_error() {
    let lua = vm();
    lua.globals()
        .set("handler", message_handler(&lua).unwrap())
        .unwrap();
    run(
        &lua,
        "local function f() error(errors.new({message = 'typed', kind = errors.CONFLICT})) end \
         local ok, err = xpcall(f, handler) \
         assert(not ok) assert(err:kind() == errors.CONFLICT) assert(err:message() == 'typed') \
         local ok, err = xpcall(function() error('plain') end, handler) \
         assert(err:kind() == errors.UNKNOWN and err:message():find('plain')) \
         assert(err:stack():find('stack traceback', 1, true)) \
         local ok, err = xpcall(function() error({message = 'tbl', kind = 'INVALID'}) end, handler) \
         assert(err:kind() == errors.INVALID and err:message() == 'tbl')",
    );
}

#[test]
fn from_lua_value_reads_any_error_shape() {
    let lua = vm();
    let s = lua.create_string("text").unwrap();
    assert_eq!(from_lua_value(&Value::String(s)).message(), "text");
    assert_eq!(
        from_lua_value(&Value::Boolean(true)).message(),
        "(error object is a boolean value)"
    );
    let ud = lua
        .create_userdata(LuaError::from(ErrorValue::new(ErrorKind::Canceled, "stop")))
        .unwrap();
    assert_eq!(
        from_lua_value(&Value::UserData(ud)).kind(),
        &ErrorKind::Canceled
    );
}

#[test]
fn methods_called_wrongly_raise_lua_errors_not_panics() {
    let lua = vm();
    run(
        &lua,
        "local err = errors.new('x') \
         assert(not pcall(err.message)) \
         assert(not pcall(err.message, {})) \
         assert(errors.is() == false) \
         assert(errors.call_stack() == nil and errors.wrap() == nil)",
    );
}
