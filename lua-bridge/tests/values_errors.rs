//! The `errors` global and the error userdata (`wippy_lua::modules::errors`), through the
//! plain VM `wippy_lua::LuaVm`.

use wippy_lua::LuaVm;
use wippy_runtime::payload::{ErrorKind, ErrorValue, Payload};

fn vm() -> LuaVm {
    LuaVm::new().unwrap()
}

fn run(lua: &LuaVm, src: &str) {
    lua.exec(src).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn kind_constants_hold_the_original_kind_strings() {
    let lua = vm();
    for kind in &ErrorKind::NAMED {
        let name = kind.constant_name().unwrap();
        let v = lua.eval(&format!("return errors.{name}")).unwrap();
        assert_eq!(v, Payload::from(kind.as_str()));
    }
    run(
        &lua,
        "assert(errors.NOT_FOUND == 'NotFound'); assert(errors.RATE_LIMITED == 'RateLimited'); assert(errors.UNKNOWN == '')",
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
         assert(err:kind() == 'NotFound') \
         assert(err:retryable() == false) \
         local d = err:details() \
         assert(d.user_id == 123 and type(d.tags) == 'table' and next(d.tags) == nil) \
         assert(errors.new({message = 'x', kind = 'CUSTOM'}):kind() == 'CUSTOM') \
         assert(errors.new({message = 'x', retryable = true}):retryable() == true) \
         assert(not pcall(errors.new, {message = 7})) \
         assert(errors.new({message = 'x', kind = ''}):kind() == errors.UNKNOWN) \
         local e = errors.new('x') assert(errors.new(e) == e)",
    );
}

#[test]
fn new_with_bad_input_raises_naming_the_argument() {
    run(
        &vm(),
        "local function raised(...) local ok, e = pcall(errors.new, ...) assert(not ok) return tostring(e) end \
         assert(raised(42):find('expected string or table, got number')) \
         assert(raised():find('expected string or table, got nil')) \
         assert(raised({}):find('message field is required')) \
         assert(raised({kind = ''}):find('message field is required')) \
         assert(raised({message = {}}):find('`message` must be a string')) \
         assert(raised({message = 'x', retryable = 'yes'}):find('`retryable` must be a boolean')) \
         assert(raised({message = 'x', kind = 5}):find('`kind` must be a string')) \
         assert(raised({message = {}, kind = 5}):find('`message`')) \
         assert(raised({message = 'x', details = 'oops'}):find('`details` must be a table')) \
         local t = {} t.t = t \
         assert(raised({message = 'x', details = t}):find('or a cycle'))",
    );
}

#[test]
fn wrap_adds_context_and_keeps_the_error() {
    run(
        &vm(),
        "local inner = errors.new({message = 'no rows', kind = errors.NOT_FOUND, retryable = true, details = {q = 1}}) \
         local err = errors.wrap(inner, 'failed to load users') \
         assert(err:message() == 'no rows') \
         assert(tostring(err) == 'failed to load users: no rows') \
         assert(('> ' .. err) == '> failed to load users: no rows') \
         assert(tostring(errors.wrap(err, 'request')) == 'request: failed to load users: no rows') \
         assert(err:kind() == errors.NOT_FOUND and err:retryable() == true and err:details().q == 1) \
         assert(errors.is(err, errors.NOT_FOUND)) \
         assert(errors.wrap('plain', 'ctx'):message() == 'plain') \
         assert(tostring(errors.wrap('plain', 'ctx')) == 'ctx: plain') \
         assert(not pcall(errors.wrap, inner, 3)) \
         assert(not pcall(errors.wrap, 3, 'ctx')) \
         assert(tostring(errors.wrap(inner, '')) == 'no rows') \
         assert(tostring(errors.wrap(inner, errors.new('ctx'))) == 'ctx: no rows') \
         local function raised(...) local ok, e = pcall(errors.wrap, ...) assert(not ok) return tostring(e) end \
         assert(raised(nil, 'ctx'):find(\"bad argument #1 to 'wrap'\")) \
         assert(raised({}, 'ctx'):find('expected string or error object, got table')) \
         assert(raised(inner):find(\"bad argument #2 to 'wrap'\")) \
         assert(raised(inner, {}):find('expected string or error object, got table'))",
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
         assert(not pcall(errors.is, err)) \
         assert(not pcall(errors.is)) \
         assert(not pcall(errors.is, err, {}))",
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
         assert('a' .. err .. 'b' .. err == 'aboombboom') \
         local ok, msg = pcall(function() return err .. {} end) \
         assert(not ok and tostring(msg):find('concatenate'))",
    );
}

#[test]
fn equality_is_identity_as_in_the_original() {
    run(
        &vm(),
        "local a = errors.new({message = 'x', kind = errors.INVALID}) \
         local b = errors.new({message = 'x', kind = errors.INVALID}) \
         local c = errors.new({message = 'y', kind = errors.INVALID}) \
         assert(a == a) assert(a ~= b) assert(a ~= c) assert(a ~= 'x') \
         assert(a ~= payload.new(1))",
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
fn fail_gives_the_nil_err_convention() {
    // `json.decode` of a non-string fails through `errors::fail`, the helper of every
    // module function.
    run(
        &vm(),
        "local v, err = json.decode(42) \
         assert(v == nil) assert(err:kind() == errors.INVALID) \
         assert(err:message() == 'json.decode expects a string, got number') \
         assert(err:stack():find('stack traceback', 1, true))",
    );
}

#[test]
fn an_error_from_rust_has_no_stack_until_raised() {
    let lua = vm();
    lua.check(
        &Payload::from(ErrorValue::new(ErrorKind::Internal, "x")),
        "assert(v:stack() == nil and v:kind() == errors.INTERNAL and v:message() == 'x')",
    )
    .unwrap();
}

#[test]
fn a_raised_string_keeps_message_and_traceback() {
    let lua = vm();
    let e = lua
        .exec("local function inner() error('boom') end\ninner()")
        .unwrap_err();
    assert_eq!(e.message(), "chunk:1: boom");
    assert_eq!(e.kind(), &ErrorKind::Unknown);
    let stack = e.stack().expect("a traceback");
    assert!(stack.starts_with("stack traceback:"), "{stack}");
    assert!(stack.contains("inner"), "{stack}");
}

#[test]
fn a_raised_error_userdata_keeps_its_kind_and_message() {
    let lua = vm();
    let e = lua
        .exec("error(errors.new({message = 'typed', kind = errors.CONFLICT}))")
        .unwrap_err();
    assert_eq!(e.message(), "typed");
    assert_eq!(e.kind(), &ErrorKind::Conflict);
    assert!(e.stack().is_some());
    // Raised by a Rust function: `nil, err` turned into a raise keeps the kind too.
    let e = lua
        .exec("local v, err = json.decode(true) error(err)")
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Invalid);
    assert_eq!(e.message(), "json.decode expects a string, got boolean");
}

#[test]
fn raised_values_of_every_shape_become_error_values() {
    let lua = vm();
    let e = lua.exec("error('plain')").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Unknown);
    assert!(e.message().contains("plain"));
    assert!(e.stack().unwrap().contains("stack traceback"));
    let e = lua
        .exec("error({message = 'tbl', kind = 'Invalid'})")
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Invalid);
    assert_eq!(e.message(), "tbl");
    assert_eq!(lua.exec("error('text', 0)").unwrap_err().message(), "text");
    assert_eq!(lua.exec("error(42)").unwrap_err().message(), "42");
    assert_eq!(lua.exec("error(2.5)").unwrap_err().message(), "2.5");
    assert_eq!(
        lua.exec("error(true)").unwrap_err().message(),
        "(error object is a boolean value)"
    );
    assert_eq!(
        lua.exec("error()").unwrap_err().message(),
        "(error object is a nil value)"
    );
    let e = lua
        .exec("error(errors.new({message = 'stop', kind = errors.CANCELED}))")
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Canceled);
    // A runtime error of Lua itself.
    let e = lua.exec("local t = nil\nreturn t.x").unwrap_err();
    assert!(e.message().starts_with("chunk:2: attempt to index"), "{e}");
}

#[test]
fn compile_errors_are_reported() {
    let lua = vm();
    let e = lua.exec("local = 1").unwrap_err();
    assert!(e.message().starts_with("chunk:1:"), "{e}");
    // Binary chunks are refused.
    let e = lua.exec("\x1bLua").unwrap_err();
    assert!(e.message().contains("binary"), "{e}");
}

#[test]
fn methods_called_on_other_values_give_the_originals_defaults() {
    let lua = vm();
    run(
        &lua,
        "local err = errors.new('x') \
         assert(err.message() == '') \
         assert(err.message({}) == '') \
         assert(err.kind('x') == '') \
         assert(err.retryable(5) == nil) \
         assert(err.details(payload.new(1)) == nil) \
         assert(err.stack(1) == '') \
         assert(err.nope == nil) \
         assert(not pcall(errors.is) and not pcall(errors.wrap)) \
         assert(errors.call_stack() == nil)",
    );
}

#[test]
fn details_keep_string_keys_as_the_originals_lua_to_go_value() {
    run(
        &vm(),
        "local e = errors.new({message = 'x', details = {a = 1, [5] = 2, [true] = 3, [1.5] = 4}}) \
         local d = e:details() \
         local n = 0 for _ in pairs(d) do n = n + 1 end \
         assert(n == 1 and d.a == 1) \
         d = errors.new({message = 'x', details = {a = {1, 2, x = 3}}}):details() \
         assert(d.a.x == 3 and d.a[1] == nil) \
         assert(errors.new({message = 'x', details = {1, 2}}):details() == nil) \
         d = errors.new({message = 'x', details = {f = print, e = errors.new('inner'), n = 2.5, b = false}}):details() \
         assert(d.f:find('^function: 0x'), d.f) \
         assert(d.e == 'inner' and d.n == 2.5 and d.b == false)",
    );
}
