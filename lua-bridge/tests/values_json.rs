//! The `json` module (`wippy_lua::modules::json`), through the plain VM `wippy_lua::LuaVm`
//! (where `json` is a global).

use wippy_lua::LuaVm;
use wippy_lua::modules::json;
use wippy_runtime::payload::{ErrorKind, Map, Payload};

fn vm() -> LuaVm {
    LuaVm::new().unwrap()
}

fn run(lua: &LuaVm, src: &str) {
    lua.exec(src).unwrap_or_else(|e| panic!("{e}"));
}

/// `json.encode(expr)`: the text, or the message of the error (which must be INTERNAL and
/// not retryable, as in the original).
fn encode(lua: &LuaVm, expr: &str) -> Result<String, String> {
    let result = lua
        .eval(&format!(
            "local s, err = json.encode({expr}) \
             assert((s == nil) ~= (err == nil), 'not a value/error pair') \
             return s or err"
        ))
        .unwrap();
    match result {
        Payload::Str(s) => Ok(String::from_utf8(s.to_vec()).unwrap()),
        Payload::Error(e) => {
            assert_eq!(e.kind(), &ErrorKind::Internal);
            assert_eq!(e.retryable(), Some(false));
            Err(e.message().to_owned())
        }
        other => panic!("not a value/error pair: {other:?}"),
    }
}

#[test]
fn encodes_scalars() {
    let lua = vm();
    assert_eq!(encode(&lua, "nil").unwrap(), "null");
    assert_eq!(encode(&lua, "true").unwrap(), "true");
    assert_eq!(encode(&lua, "42").unwrap(), "42");
    assert_eq!(encode(&lua, "-7").unwrap(), "-7");
    // Floats as the original's Go encoder writes them.
    assert_eq!(encode(&lua, "2.0").unwrap(), "2");
    assert_eq!(encode(&lua, "10 / 4").unwrap(), "2.5");
    assert_eq!(encode(&lua, "-0.0").unwrap(), "-0");
    assert_eq!(encode(&lua, "0.1").unwrap(), "0.1");
    assert_eq!(encode(&lua, "1e20").unwrap(), "100000000000000000000");
    assert_eq!(encode(&lua, "1e21").unwrap(), "1e+21");
    assert_eq!(encode(&lua, "1e100").unwrap(), "1e+100");
    assert_eq!(encode(&lua, "0.000001").unwrap(), "0.000001");
    assert_eq!(encode(&lua, "1.5e-7").unwrap(), "1.5e-7");
    assert_eq!(encode(&lua, "'hi'").unwrap(), r#""hi""#);
}

#[test]
fn floats_inside_tables_are_written_as_the_original_table_writer_does() {
    // R `modules/json/json.go` `writeValueOptimized`: a whole number in int64's range as
    // that integer, any other finite float with `FormatFloat(f, 'f', -1, 64)`, no exponent.
    let lua = vm();
    assert_eq!(encode(&lua, "{v = 1e-7}").unwrap(), r#"{"v":0.0000001}"#);
    assert_eq!(encode(&lua, "{1e21}").unwrap(), "[1000000000000000000000]");
    assert_eq!(
        encode(&lua, "{-0.0, 2.0, 2.5, 1.5e-7}").unwrap(),
        "[0,2,2.5,0.00000015]"
    );
    assert_eq!(
        encode(&lua, "{a = {b = -1e18 - 0.0}}").unwrap(),
        r#"{"a":{"b":-1000000000000000000}}"#
    );
    assert_eq!(encode(&lua, "{2^63}").unwrap(), "[9223372036854776000]");
    assert_eq!(encode(&lua, "{-2^63}").unwrap(), "[-9223372036854775808]");
    assert_eq!(encode(&lua, "{0/0, 1/0}").unwrap(), "[null,null]");
    // A float key as the same writer names it.
    assert_eq!(
        encode(&lua, "{[1e-7] = true}").unwrap(),
        r#"{"0.0000001":true}"#
    );
    // At the top level, Go's `json.Marshal` rules stay (exponents below 1e-6, from 1e21).
    assert_eq!(encode(&lua, "1e-7").unwrap(), "1e-7");
}

#[test]
fn empty_table_is_an_empty_array() {
    let lua = vm();
    assert_eq!(encode(&lua, "{}").unwrap(), "[]");
    assert_eq!(encode(&lua, "{a = {}}").unwrap(), r#"{"a":[]}"#);
}

#[test]
fn encodes_nested_values_with_sorted_keys() {
    let lua = vm();
    assert_eq!(
        encode(
            &lua,
            "{name = 'John', age = 30, active = true, tags = {'a', 'b'}, z = {y = {x = 1}}}"
        )
        .unwrap(),
        r#"{"active":true,"age":30,"name":"John","tags":["a","b"],"z":{"y":{"x":1}}}"#
    );
    // Deterministic: the same table always gives the same text.
    let a = encode(&lua, "{b = 1, a = 2, c = 3, aa = 4, [''] = 5}").unwrap();
    assert_eq!(a, r#"{"":5,"a":2,"aa":4,"b":1,"c":3}"#);
}

#[test]
fn escapes_strings_and_passes_unicode() {
    let lua = vm();
    assert_eq!(
        encode(
            &lua,
            r#"'quote " backslash \\ nl \n tab \t cr \r bell \7 nul \0'"#
        )
        .unwrap(),
        r#""quote \" backslash \\ nl \n tab \t cr \r bell \u0007 nul \u0000""#
    );
    assert_eq!(
        encode(&lua, "'héllo 世界 😀'").unwrap(),
        "\"héllo 世界 😀\""
    );
    // As Go's encoder (the original's): HTML's characters and JavaScript's line ends too.
    assert_eq!(
        encode(&lua, "'</script>&'").unwrap(),
        r#""\u003c/script\u003e\u0026""#
    );
    assert_eq!(
        encode(&lua, r"'a\u{2028}b\u{2029}'").unwrap(),
        r#""a\u2028b\u2029""#
    );
    // Bytes that are not UTF-8 become U+FFFD.
    assert_eq!(encode(&lua, r#"'a\255b'"#).unwrap(), "\"a\u{fffd}b\"");
}

#[test]
fn refuses_tables_json_cannot_say() {
    let lua = vm();
    assert!(
        encode(&lua, "{[1] = 1, [3] = 3}")
            .unwrap_err()
            .contains("sparse")
    );
    assert!(encode(&lua, "{1, 2, x = 3}").unwrap_err().contains("mixed"));
    assert!(
        encode(&lua, "{[2] = 1, [true] = 2}")
            .unwrap_err()
            .contains("mixed")
    );
    assert!(
        encode(&lua, "(function() local t = {} t.t = t return t end)()")
            .unwrap_err()
            .contains("itself")
    );
    // 129 tables, as the original's encoder takes (its depth counts from 0, up to 128).
    let deep = "(function() local t = 1 for i = 1, 130 do t = {t} end return t end)()";
    assert!(encode(&lua, deep).unwrap_err().contains("129"));
    let ok = "(function() local t = 1 for i = 1, 129 do t = {t} end return t end)()";
    assert!(encode(&lua, ok).is_ok());
}

#[test]
fn writes_values_without_a_json_form_as_the_original_does() {
    let lua = vm();
    // Keys that are not strings (and not the positive integers of an array) as text.
    assert_eq!(encode(&lua, "{[true] = 1}").unwrap(), r#"{"true":1}"#);
    assert_eq!(encode(&lua, "{[1.5] = 1}").unwrap(), r#"{"1.5":1}"#);
    assert_eq!(
        encode(&lua, "{[0] = 1, [-2] = 2}").unwrap(),
        r#"{"-2":2,"0":1}"#
    );
    // NaN, infinities, functions and userdata as null.
    assert_eq!(encode(&lua, "0/0").unwrap(), "null");
    assert_eq!(encode(&lua, "{x = math.huge}").unwrap(), r#"{"x":null}"#);
    assert_eq!(encode(&lua, "print").unwrap(), "null");
    assert_eq!(encode(&lua, "{f = print}").unwrap(), r#"{"f":null}"#);
    assert_eq!(
        encode(&lua, "{payload.new(1), coroutine.create(print)}").unwrap(),
        "[1,null]"
    );
}

#[test]
fn encodes_error_values_as_their_text() {
    let lua = vm();
    assert_eq!(
        encode(
            &lua,
            "{e = errors.new({message = 'm', kind = errors.TIMEOUT, retryable = true})}"
        )
        .unwrap(),
        r#"{"e":"m"}"#
    );
    assert_eq!(
        encode(&lua, "errors.wrap(errors.new('inner'), 'outer')").unwrap(),
        r#""outer: inner""#
    );
}

#[test]
fn decodes_nested_values() {
    run(
        &vm(),
        r#"local v, err = json.decode('{"name":"Jane","items":[1,2,3],"nested":{"a":{"b":[true,false,null]}},"f":1.5,"e":1e2}')
           assert(err == nil, tostring(err))
           assert(v.name == 'Jane')
           assert(#v.items == 3 and v.items[3] == 3)
           assert(math.type(v.items[1]) == 'integer')
           assert(v.nested.a.b[1] == true and v.nested.a.b[2] == false and v.nested.a.b[3] == nil)
           assert(v.f == 1.5 and math.type(v.e) == 'float' and v.e == 100)
           local v = json.decode('{}') assert(type(v) == 'table' and next(v) == nil)
           local v = json.decode('[]') assert(type(v) == 'table' and next(v) == nil)
           local v, err = json.decode('null') assert(v == nil and err == nil)
           assert(json.decode(' 42 ') == 42)
           assert(json.decode('-9223372036854775808') == math.mininteger)
           assert(math.type(json.decode('18446744073709551615')) == 'float')
           local v, err = json.decode('{"a":1,"a":2}')
           assert(v == nil and err:message():find('duplicate object member name "a"'))
           assert(json.encode('<b>&') == [["\u003cb\u003e\u0026"]])"#,
    );
}

#[test]
fn decodes_unicode_and_escapes() {
    run(
        &vm(),
        r#"assert(json.decode('"\\u00e9\\u4e16\\ud83d\\ude00"') == 'é世😀')
           assert(json.decode('"a\\"b\\\\c\\/d\\n\\t"') == 'a"b\\c/d\n\t')
           assert(json.decode('"héllo"') == 'héllo')"#,
    );
}

#[test]
fn decode_errors_name_the_position() {
    run(
        &vm(),
        r#"local v, err = json.decode('{"a": }')
           assert(v == nil and err:kind() == errors.INTERNAL and err:retryable() == false)
           assert(err:message():find('line 1 column 7', 1, true), err:message())
           local v, err = json.decode('[1, 2')
           assert(v == nil and err:message():find('EOF', 1, true), err:message())
           local v, err = json.decode('')
           assert(v == nil and err:kind() == errors.INVALID)
           local v, err = json.decode('1 2')
           assert(v == nil and err:message():find('trailing', 1, true))
           local v, err = json.decode(42)
           assert(v == nil and err:message() == 'json.decode expects a string, got number')
           assert(err:kind() == errors.INVALID and err:retryable() == false)
           local v, err = json.decode('"\\ud800"')
           assert(v == nil and err ~= nil)
           local v, err = json.decode(string.rep('[', 200) .. string.rep(']', 200))
           assert(v == nil and err:message():find('maximum nesting depth exceeded', 1, true), err:message())"#,
    );
}

#[test]
fn round_trips_through_text() {
    run(
        &vm(),
        r#"local src = {list = {1, 2.5, 'three', {four = 4}}, flag = false, text = 'a\n"b"'}
           local s = assert(json.encode(src))
           local back = assert(json.decode(s))
           assert(back.list[2] == 2.5 and back.list[4].four == 4 and back.text == src.text)
           assert(json.encode(back) == s)"#,
    );
}

#[test]
fn rust_side_encode_and_decode() {
    let mut m = Map::new();
    m.insert("b", Payload::Int(1));
    m.insert("a", Payload::array([Payload::Nil, Payload::Float(0.5)]));
    m.insert("empty", Payload::from(Map::new()));
    let text = json::encode(&Payload::from(m)).unwrap();
    assert_eq!(
        String::from_utf8(text.clone()).unwrap(),
        r#"{"a":[null,0.5],"b":1,"empty":{}}"#
    );
    let back = json::decode(&text).unwrap();
    assert_eq!(back.get("b"), Some(&Payload::Int(1)));
    assert_eq!(back.get("empty"), Some(&Payload::from(Map::new())));
    let err = json::decode(b"[1,").unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Invalid);
}

#[test]
fn validate_checks_data_against_a_schema() {
    run(
        &vm(),
        r#"local schema = {type = "object", properties = {name = {type = "string"}, age = {type = "number"}}, required = {"name"}}
           local ok, err = json.validate(schema, {name = "John", age = 30})
           assert(ok == true and err == nil)
           ok, err = json.validate(schema, {age = 30})
           assert(ok == false and err:kind() == errors.INVALID and err:retryable() == false)
           assert(tostring(err):find("validation failed", 1, true), tostring(err))
           assert(err:message():find("name", 1, true), err:message())
           ok, err = json.validate(schema, {name = 123})
           assert(ok == false and err:message():find("/name", 1, true), err:message())
           ok, err = json.validate('{"type":"object","properties":{"name":{"type":"string"}}}', {name = "x"})
           assert(ok == true and err == nil)
           ok, err = json.validate(schema, nil)
           assert(ok == false and err:kind() == errors.INVALID and tostring(err):find("data is required", 1, true))
           ok, err = json.validate(nil, {})
           assert(ok == false and err:message() == "schema is required")
           ok, err = json.validate(42, {})
           assert(ok == false and err:message() == "schema must be a string or table")
           ok, err = json.validate("{not json", {})
           assert(ok == false and tostring(err):find("schema error", 1, true))
           ok, err = json.validate({type = "no such type"}, {})
           assert(ok == false and tostring(err):find("compile schema", 1, true), tostring(err))
           ok, err = json.validate(schema, {name = "x", f = function() end})
           assert(ok == false and tostring(err):find("convert data", 1, true))
           ok, err = json.validate_string(schema, '{"name":"Jane","age":25}')
           assert(ok == true and err == nil)
           ok, err = json.validate_string(schema, '{"age":25}')
           assert(ok == false and err:kind() == errors.INVALID)
           ok, err = json.validate_string(schema, {})
           assert(ok == false and err:message() == "data must be a JSON string")
           ok, err = json.validate_string(schema, '{"name":')
           assert(ok == false and tostring(err):find("parse data", 1, true))"#,
    );
}

#[test]
fn decode_nests_as_deep_as_the_originals_decoder() {
    let nested =
        |arrays: usize, inner: &str| format!("{}{inner}{}", "[".repeat(arrays), "]".repeat(arrays));
    // 129 arrays: the innermost sits below 128 containers, as deep as the original allows.
    assert!(json::decode(nested(129, "").as_bytes()).is_ok());
    assert!(json::decode(nested(128, "1").as_bytes()).is_ok());
    for refused in [nested(130, ""), nested(129, "1"), "[".repeat(200_000)] {
        let e = json::decode(refused.as_bytes()).unwrap_err();
        assert!(
            e.message().contains("maximum nesting depth exceeded"),
            "{e}"
        );
    }
    // What the encoder writes at its deepest (129 tables) decodes again, into Lua.
    let lua = vm();
    run(
        &lua,
        "local t = {} local cur = t for i = 1, 128 do cur[1] = {} cur = cur[1] end \
         local s = assert(json.encode(t)) \
         local back = assert(json.decode(s)) \
         for i = 1, 128 do back = back[1] end \
         assert(type(back) == 'table' and next(back) == nil)",
    );
    // 129 containers decode into Lua tables (an empty object innermost too); 130 are
    // `nil, err`, never a raised error.
    run(
        &lua,
        "for _, inner in ipairs({'[]', '{}'}) do \
           local text = string.rep('[', 128) .. inner .. string.rep(']', 128) \
           local v, err = json.decode(text) \
           assert(type(v) == 'table' and err == nil, tostring(err)) \
         end \
         local v, err = json.decode(string.rep('[', 130) .. string.rep(']', 130)) \
         assert(v == nil and err ~= nil)",
    );
}
