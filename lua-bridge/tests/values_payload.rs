//! The `payload` global (`wippy_lua::modules::payload`), through the plain VM
//! `wippy_lua::LuaVm`.

use wippy_lua::LuaVm;
use wippy_lua::modules::payload::{Format, LuaPayload};
use wippy_runtime::payload::{ErrorKind, Payload};

fn vm() -> LuaVm {
    LuaVm::new().unwrap()
}

fn run(lua: &LuaVm, src: &str) {
    lua.exec(src).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn format_constants() {
    run(
        &vm(),
        "assert(payload.format.JSON == 'json/plain') \
         assert(payload.format.LUA == 'lua/any') \
         assert(payload.format.STRING == 'text/plain') \
         assert(payload.format.BYTES == 'application/octet-stream') \
         assert(payload.format.MSGPACK == 'application/msgpack') \
         assert(payload.format.YAML == 'yaml/plain') \
         assert(payload.format.GOLANG == 'golang/any') \
         assert(payload.format.ERROR == 'golang/error')",
    );
}

#[test]
fn new_data_and_format() {
    run(
        &vm(),
        "local p = payload.new({name = 'test', values = {1, 2, 3}}) \
         assert(p:get_format() == payload.format.LUA) \
         local data, err = p:data() \
         assert(err == nil and data.name == 'test' and data.values[3] == 3) \
         assert(select('#', p:data()) == 1) \
         assert(p:unmarshal().values[1] == 1) \
         assert(p:data() ~= p:data()) \
         assert(payload.new('hello'):data() == 'hello') \
         assert(payload.new(123.456):data() == 123.456) \
         assert(payload.new(true):data() == true) \
         assert(payload.new(nil):data() == nil) \
         assert(tostring(p) == 'payload{format=lua/any}') \
         local e = payload.new(errors.new('x')):data() \
         assert(e:message() == 'x')",
    );
}

#[test]
fn new_copies_so_later_changes_do_not_show() {
    run(
        &vm(),
        "local t = {a = 1} local p = payload.new(t) t.a = 2 assert(p:data().a == 1) \
         local q = payload.new(p) assert(q:data().a == 1 and q:get_format() == 'lua/any')",
    );
}

#[test]
fn new_of_a_cycle_is_nil_err() {
    run(
        &vm(),
        "local t = {} t.t = t local p, err = payload.new(t) \
         assert(p == nil and err:kind() == errors.INVALID and err:message():find('itself'))",
    );
}

#[test]
fn transcode_between_lua_json_and_string() {
    run(
        &vm(),
        "local p = payload.new({key = 'value', n = 1}) \
         local j, err = p:transcode(payload.format.JSON) \
         assert(err == nil and j:get_format() == 'json/plain') \
         assert(tostring(j) == 'payload{format=json/plain}') \
         local d = j:data() assert(d.key == 'value' and d.n == 1) \
         local s = j:transcode(payload.format.STRING) \
         assert(s:get_format() == 'text/plain' and s:data() == '{\"key\":\"value\",\"n\":1}') \
         local back = j:transcode(payload.format.LUA) \
         assert(back:get_format() == 'lua/any' and back:data().key == 'value') \
         assert(payload.new('hi'):transcode(payload.format.STRING):data() == 'hi') \
         assert(payload.new(5):transcode(payload.format.STRING):data() == '5') \
         local sj = payload.new('hi'):transcode(payload.format.STRING):transcode(payload.format.JSON) \
         assert(sj:transcode(payload.format.STRING):data() == '\"hi\"') \
         assert(p:transcode(payload.format.LUA):data().key == 'value')",
    );
}

/// As the original: every failure to transcode is INTERNAL (its own payload tests assert
/// it), and a format that is no string raises.
#[test]
fn unknown_and_error_formats_fail_as_internal() {
    run(
        &vm(),
        "local p = payload.new({1}) \
         for _, f in ipairs({payload.format.ERROR, 'nope', 'application/json'}) do \
           local q, err = p:transcode(f) \
           assert(q == nil and err:kind() == errors.INTERNAL, f) \
           assert(tostring(err):find('transcode failed', 1, true), tostring(err)) \
         end \
         local q, err = p:transcode(42) \
         assert(q == nil and err:kind() == errors.INTERNAL, tostring(err)) \
         local ok, err = pcall(p.transcode, p, {}) \
         assert(not ok and tostring(err):find('string expected', 1, true), tostring(err)) \
         assert(not pcall(p.transcode, p))",
    );
}

#[test]
fn yaml_msgpack_bytes_and_golang_round_trip() {
    run(
        &vm(),
        "local v = {name = 'w', list = {1, 2.5, 'x'}, nested = {ok = true}} \
         for _, f in ipairs({payload.format.YAML, payload.format.MSGPACK, payload.format.GOLANG}) do \
           local q, err = payload.new(v):transcode(f) \
           assert(err == nil, tostring(err)) \
           assert(q:get_format() == f, q:get_format()) \
           local back = q:data() \
           assert(back.name == 'w' and back.list[2] == 2.5 and back.list[3] == 'x' \
                  and back.nested.ok == true, f) \
           local l = q:transcode(payload.format.LUA):data() \
           assert(l.list[1] == 1 and math.type(l.list[1]) == 'integer', f) \
         end \
         local y = payload.new({a = 1}):transcode(payload.format.YAML) \
         assert(y:transcode(payload.format.STRING):data() == 'a: 1\\n') \
         local j = y:transcode(payload.format.JSON) \
         assert(j:transcode(payload.format.STRING):data() == '{\"a\":1}') \
         local m = payload.new({1, 2}):transcode(payload.format.MSGPACK) \
         assert(m:transcode(payload.format.BYTES):data() == '\\x92\\x01\\x02') \
         assert(payload.new('raw'):transcode(payload.format.BYTES):data() == 'raw') \
         local b = payload.new('\\x92\\x01\\x02'):transcode(payload.format.BYTES) \
         assert(b:get_format() == 'application/octet-stream' and b:data() == '\\x92\\x01\\x02')",
    );
}

#[test]
fn plain_text_of_values_as_the_original() {
    run(
        &vm(),
        "for _, f in ipairs({payload.format.STRING, payload.format.BYTES}) do \
           local function text(v) return payload.new(v):transcode(f):data() end \
           assert(text(nil) == '', f) \
           assert(text(42) == '42') \
           assert(text(3.0) == '3' and text(1.5) == '1.5' and text(1e6) == '1e+06') \
           assert(text(true) == 'true' and text(false) == 'false') \
           assert(text('s') == 's') \
           assert(text({a = 1}) == '{\"a\":1}') \
           assert(text(errors.new('boom')) == 'boom') \
         end",
    );
}

#[test]
fn new_gives_one_value() {
    run(
        &vm(),
        "assert(select('#', payload.new(1)) == 1) \
         assert(select('#', payload.new(payload.new(1))) == 1)",
    );
}

#[test]
fn transcode_failures_are_internal() {
    run(
        &vm(),
        "local p = payload.new({[1] = 1, [5] = 5}) \
         local q, err = p:transcode(payload.format.JSON) \
         assert(q == nil and err:kind() == errors.INTERNAL and err:message():find('sparse'))",
    );
    // Broken JSON text handed in from Rust.
    let lua = vm();
    lua.set_payload("bad", LuaPayload::json("{oops")).unwrap();
    run(
        &lua,
        "local v, err = bad:data() assert(v == nil and err:kind() == errors.INTERNAL) \
         local v, err = bad:transcode(payload.format.LUA) assert(v == nil and err ~= nil)",
    );
}

#[test]
fn rust_side_payloads() {
    let p = LuaPayload::new(Payload::array([Payload::Int(1)]));
    assert_eq!(p.format(), Format::Lua);
    let j = p.transcode(Format::Json).unwrap();
    assert_eq!(j.payload(), &Payload::from("[1]"));
    assert_eq!(j.value().unwrap(), Payload::array([Payload::Int(1)]));
    let err = LuaPayload::json("[").value().unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Internal);
    // A payload userdata sent on is its value in lua/any: held JSON text decoded; text
    // that does not decode as it is.
    let lua = vm();
    lua.set_payload("j", j).unwrap();
    assert_eq!(
        lua.eval("return j").unwrap(),
        Payload::array([Payload::Int(1)])
    );
    lua.set_payload("broken", LuaPayload::json("{oops"))
        .unwrap();
    assert_eq!(lua.eval("return broken").unwrap(), Payload::from("{oops"));
    run(
        &lua,
        "assert(j:get_format() == payload.format.JSON and j:data()[1] == 1)",
    );
    lua.check(&Payload::from("x"), "assert(v == 'x')").unwrap();
}

#[test]
fn methods_called_wrongly_raise_lua_errors() {
    run(
        &vm(),
        "local p = payload.new(1) \
         assert(not pcall(p.data)) \
         assert(not pcall(p.transcode, errors.new('x'), payload.format.JSON)) \
         assert(p.nope == nil) \
         assert(payload.new().get_format == p.get_format)",
    );
}

#[test]
fn an_error_value_is_a_golang_error_payload() {
    run(
        &vm(),
        "local e = errors.new({message = 'broken', kind = errors.INVALID}) \
         local p = payload.new(e) \
         assert(p:get_format() == payload.format.ERROR) \
         local v, err = p:data() \
         assert(err == nil and v:message() == 'broken' and v:kind() == errors.INVALID) \
         local t = assert(p:transcode(payload.format.STRING)) \
         assert(t:get_format() == payload.format.STRING and t:data() == 'broken') \
         local j = assert(p:transcode(payload.format.JSON)) \
         assert(j:data().message == 'broken') \
         assert(p:transcode(payload.format.LUA):get_format() == payload.format.LUA) \
         local q, qerr = payload.new({1}):transcode(payload.format.ERROR) \
         assert(q == nil and qerr:kind() == errors.INTERNAL)",
    );
}
