//! Type names called as functions (`modules/casts.rs`): `string(x)`, `integer(x)` and the
//! others give their argument back when it has the type and raise otherwise, converting
//! nothing, as the original's dialect does.

use wippy_lua::LuaVm;

fn vm() -> LuaVm {
    LuaVm::new().unwrap()
}

fn run(lua: &LuaVm, src: &str) {
    lua.exec(src).unwrap_or_else(|e| panic!("{e}"));
}

/// The message of the error `src` raises.
fn raised(lua: &LuaVm, src: &str) -> String {
    lua.exec(src).unwrap_err().message().to_owned()
}

#[test]
fn a_value_of_the_type_comes_back_unchanged() {
    run(
        &vm(),
        "assert(string('pid') == 'pid') \
         assert(integer(7) == 7 and math.type(integer(7)) == 'integer') \
         assert(integer(3.0) == 3.0 and math.type(integer(3.0)) == 'float') \
         assert(number(1.5) == 1.5 and number(2) == 2) \
         assert(boolean(false) == false) \
         local t = {} assert(any(t) == t and unknown(nil) == nil) \
         assert(select('#', string('x')) == 1) \
         assert(string.upper('a') == 'A')",
    );
}

#[test]
fn anything_else_raises_without_converting() {
    let lua = vm();
    for (src, message) in [
        ("string(5)", "expected string, got number"),
        ("string(nil)", "expected string, got nil"),
        ("string({})", "expected string, got table"),
        (
            "local e = errors.new('x') string(e)",
            "expected string, got userdata",
        ),
        ("integer(3.7)", "expected integer, got number"),
        ("integer(2^63)", "expected integer, got number"),
        ("integer('12')", "expected integer, got string"),
        ("number('1.5')", "expected number, got string"),
        ("boolean(0)", "expected boolean, got number"),
        ("never(1)", "expected never, got number"),
        ("integer()", "type integer expects at least 1 argument"),
        ("string()", "type string expects at least 1 argument"),
        (
            "integer(1, 2)",
            "type integer validation expects 1 value, got 2",
        ),
    ] {
        let got = raised(&lua, src);
        assert!(got.contains(message), "{src}: {got}");
    }
}

#[test]
fn a_changed_string_table_is_a_plain_table() {
    // Writing into `string` copies the library in (it is no longer a view), as a plain
    // table: then it is not callable, as the original's library table never is.
    let lua = vm();
    run(
        &lua,
        "string.shout = function(s) return s:upper() .. '!' end",
    );
    assert!(raised(&lua, "return string('x')").contains("call a table value"));
}
