//! Deep copy between Lua and `Payload` (`wippy_lua::value`), through the plain VM
//! `wippy_lua::LuaVm`: `eval` copies a Lua value out, `check`/`set_global` copy a payload in.

use std::sync::Arc;

use wippy_lua::LuaVm;
use wippy_lua::value::{MAX_DEPTH, ValueError};
use wippy_runtime::payload::{ErrorKind, ErrorValue, Map, MapKey, Payload, Text};

fn vm() -> LuaVm {
    LuaVm::new().unwrap()
}

/// The copy of the first result of the chunk `src`.
fn copy(lua: &LuaVm, src: &str) -> Payload {
    lua.eval(src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

/// The copy of `src`'s result, or why it could not be copied.
fn try_copy(lua: &LuaVm, src: &str) -> Result<Payload, ValueError> {
    lua.try_eval(src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn try_copy_strict(lua: &LuaVm, src: &str) -> Result<Payload, ValueError> {
    lua.try_eval_strict(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
}

/// Copies `src` into a payload, then into a second VM, and checks there with `check`
/// (a Lua function body receiving the copy as `v`).
fn across(src: &str, check: &str) {
    let a = vm();
    let b = vm();
    let p = copy(&a, src);
    b.check(&p, check)
        .unwrap_or_else(|e| panic!("{check}: {e}"));
}

#[test]
fn scalars_map_directly() {
    let lua = vm();
    assert_eq!(copy(&lua, "return nil"), Payload::Nil);
    assert_eq!(copy(&lua, "return true"), Payload::Bool(true));
    assert_eq!(copy(&lua, "return 42"), Payload::Int(42));
    assert_eq!(copy(&lua, "return math.mininteger"), Payload::Int(i64::MIN));
    assert_eq!(copy(&lua, "return 2.0"), Payload::Float(2.0));
    assert_eq!(copy(&lua, "return 0.5"), Payload::Float(0.5));
    assert_eq!(
        copy(&lua, "return 'a\\0b\\255'"),
        Payload::string(b"a\0b\xff")
    );
    match copy(&lua, "return 0/0") {
        Payload::Float(f) => assert!(f.is_nan()),
        other => panic!("{other:?}"),
    }
    // Nothing returned is nil.
    assert_eq!(lua.eval("local x = 1").unwrap(), Payload::Nil);
}

#[test]
fn integer_and_float_subtypes_survive_a_round_trip() {
    across(
        "return {1, 2.0, -0.0, 1e300, math.maxinteger}",
        "assert(math.type(v[1]) == 'integer'); assert(math.type(v[2]) == 'float') \
         assert(1/v[3] == -math.huge); assert(v[4] == 1e300); assert(v[5] == math.maxinteger)",
    );
}

#[test]
fn sequences_are_arrays_and_other_tables_are_maps() {
    let lua = vm();
    assert_eq!(
        copy(&lua, "return {'a', 'b'}"),
        Payload::array(["a", "b"].map(Payload::from))
    );
    // Built out of order, in the hash part: still a sequence.
    assert_eq!(
        copy(
            &lua,
            "local t = {} t[3] = 'c' t[1] = 'a' t[2] = 'b' return t"
        ),
        Payload::array(["a", "b", "c"].map(Payload::from))
    );
    let sparse = copy(&lua, "return {[1] = 'a', [3] = 'c'}");
    let map = sparse.as_map().expect("sparse table is a map");
    assert_eq!(map.len(), 2);
    assert_eq!(map.get_key(&MapKey::Int(3)), Some(&Payload::from("c")));
    let mixed = copy(&lua, "return {'a', x = 1}");
    let map = mixed.as_map().expect("mixed table is a map");
    assert_eq!(map.get_key(&MapKey::Int(1)), Some(&Payload::from("a")));
    assert_eq!(map.get("x"), Some(&Payload::Int(1)));
    assert!(copy(&lua, "return {[0] = 'z', 'a'}").as_map().is_some());
    assert!(copy(&lua, "return {[-1] = 'z'}").as_map().is_some());
}

#[test]
fn empty_table_is_an_empty_array() {
    let lua = vm();
    assert_eq!(copy(&lua, "return {}"), Payload::array([]));
    // And an empty map from Rust arrives as an empty table.
    lua.check(
        &Payload::from(Map::new()),
        "assert(type(v) == 'table' and next(v) == nil)",
    )
    .unwrap();
}

#[test]
fn keys_of_every_type_round_trip() {
    let lua = vm();
    let p = copy(
        &lua,
        "return {[1] = 'int', [2.5] = 'float', s = 'str', [true] = 'yes', [false] = 'no', [-7] = 'neg'}",
    );
    let map = p.as_map().unwrap();
    assert_eq!(map.len(), 6);
    assert_eq!(
        map.get_key(&MapKey::from_f64(2.5).unwrap()),
        Some(&Payload::from("float"))
    );
    assert_eq!(
        map.get_key(&MapKey::Bool(false)),
        Some(&Payload::from("no"))
    );
    across(
        "return {[1] = 'int', [2.5] = 'float', s = 'str', [true] = 'yes', [false] = 'no', [-7] = 'neg'}",
        "assert(v[1] == 'int' and v[2.5] == 'float' and v.s == 'str' and v[true] == 'yes' \
         and v[false] == 'no' and v[-7] == 'neg')",
    );
}

#[test]
fn nested_values_round_trip_exactly() {
    let lua = vm();
    let src = "return {name = 'x', list = {1, 2, {3, {4}}}, map = {a = {b = {c = 'deep'}}}, \
               flags = {true, false}, bin = '\\0\\1\\2', f = 1.5}";
    let p = copy(&lua, src);
    let back = lua.round_trip(&p).unwrap().unwrap();
    assert_eq!(p, back);
    across(
        src,
        "assert(v.list[3][2][1] == 4); assert(v.map.a.b.c == 'deep'); assert(#v.bin == 3) \
         assert(v.flags[2] == false); assert(v.f == 1.5)",
    );
}

#[test]
fn payload_built_in_rust_round_trips() {
    let lua = vm();
    let mut m = Map::new();
    m.insert(
        "list",
        Payload::array([Payload::Int(1), Payload::Float(2.5), Payload::from("s")]),
    );
    m.insert(MapKey::from_f64(0.25).unwrap(), Payload::Bool(true));
    m.insert(
        7_i64,
        Payload::from(ErrorValue::new(ErrorKind::Timeout, "slow")),
    );
    m.insert("empty", Payload::from(Map::new()));
    let p = Payload::from(m);
    let back = lua.round_trip(&p).unwrap().unwrap();
    // The empty map comes back as an empty map: the table made from it is remembered.
    let back_map = back.as_map().unwrap();
    assert_eq!(back_map.get("empty"), Some(&Payload::from(Map::new())));
    assert_eq!(back_map.get("list"), p.get("list"));
    assert_eq!(back_map.len(), 4);
}

#[test]
fn error_userdata_survives_a_copy() {
    let a = vm();
    let b = vm();
    let p = copy(
        &a,
        "return {err = errors.new({message = 'gone', kind = errors.NOT_FOUND, retryable = true, details = {id = 7}})}",
    );
    let e = p
        .get("err")
        .and_then(Payload::as_error)
        .expect("an error payload");
    assert_eq!(e.kind(), &ErrorKind::NotFound);
    assert_eq!(e.message(), "gone");
    b.set_global("v", &p).unwrap();
    b.exec(
        "assert(v.err:message() == 'gone'); assert(v.err:kind() == errors.NOT_FOUND) \
         assert(v.err:retryable() == true); assert(v.err:details().id == 7) \
         assert(errors.is(v.err, 'NotFound'))",
    )
    .unwrap();
    // The same ErrorValue is shared, not copied.
    let again = b.eval("return v").unwrap();
    let (Some(Payload::Error(x)), Some(Payload::Error(y))) = (p.get("err"), again.get("err"))
    else {
        panic!("errors expected");
    };
    assert!(Arc::ptr_eq(x, y));
}

#[test]
fn an_error_caught_by_pcall_becomes_an_error_payload() {
    let lua = vm();
    // Raised by a Rust function (`nil, err` turned into a raise by `assert`) and by Lua.
    let p = copy(
        &lua,
        "local ok, e = pcall(function() assert(json.decode(42)) end) return e",
    );
    let e = p.as_error().expect("error payload");
    assert_eq!(e.kind(), &ErrorKind::Invalid);
    assert_eq!(e.message(), "json.decode expects a string, got number");
    let p = copy(
        &lua,
        "local ok, e = pcall(error, errors.new({message = 'busy', kind = errors.CONFLICT})) return e",
    );
    let e = p.as_error().expect("error payload");
    assert_eq!(e.kind(), &ErrorKind::Conflict);
    assert_eq!(e.message(), "busy");
}

#[test]
fn functions_threads_and_foreign_userdata_become_nil() {
    let lua = vm();
    assert_eq!(copy(&lua, "return print"), Payload::Nil);
    assert_eq!(copy(&lua, "return coroutine.create(print)"), Payload::Nil);
    let p = copy(&lua, "return {f = print, n = 1}");
    assert_eq!(p.get("f"), Some(&Payload::Nil));
    assert_eq!(p.get("n"), Some(&Payload::Int(1)));
    // Keys with no payload form drop their entry.
    let p = copy(&lua, "return {[{}] = 1, [print] = 2, x = 3}");
    assert_eq!(p, Payload::map([("x", 3)]));
    // In strict mode (the encoders') they are errors.
    assert!(matches!(
        try_copy_strict(&lua, "return {f = print}"),
        Err(ValueError::Unsupported("function"))
    ));
    assert!(matches!(
        try_copy_strict(&lua, "return {[{}] = 1}"),
        Err(ValueError::UnsupportedKey("table"))
    ));
    assert!(
        lua.eval_strict("return {t = coroutine.create(print)}")
            .is_err()
    );
}

#[test]
fn payload_userdata_becomes_its_payload() {
    let lua = vm();
    assert_eq!(
        copy(&lua, "return {p = payload.new({1, 2})}"),
        Payload::map([("p", Payload::array([Payload::Int(1), Payload::Int(2)]))])
    );
    // Any format leaves the process as its value in lua/any, as the original transcodes
    // payloads to Lua on delivery: JSON text decoded, text as the string.
    let p = copy(
        &lua,
        "return payload.new({a = 1}):transcode(payload.format.JSON)",
    );
    assert_eq!(p, Payload::map([("a", Payload::Int(1))]));
    let p = copy(
        &lua,
        "return payload.new({a = 1}):transcode(payload.format.STRING)",
    );
    assert_eq!(p, Payload::from(r#"{"a":1}"#));
}

#[test]
fn metatables_are_not_copied_and_tables_are_read_raw() {
    across(
        "local t = setmetatable({x = 1}, {__index = function() return 'meta' end, __len = function() return 99 end, \
         __pairs = function() error('no') end}) \
         return t",
        "assert(getmetatable(v) == nil); assert(v.x == 1); assert(v.y == nil)",
    );
}

#[test]
fn the_runtime_metatables_are_hidden_from_lua() {
    let lua = vm();
    // `getmetatable` gives the type name, and the metatable cannot be replaced: a script
    // cannot add a finalizer or make one userdata type pass for another.
    assert_eq!(
        lua.eval("return getmetatable(payload.new({1}))").unwrap(),
        Payload::from("wippy.payload")
    );
    assert!(lua.exec("setmetatable(errors.new('x'), {})").is_err());
    let p = copy(&lua, "local p = payload.new({1}) return {p = p}");
    assert_eq!(p.get("p"), Some(&Payload::array([Payload::Int(1)])));
}

#[test]
fn cycles_are_errors() {
    let lua = vm();
    assert!(matches!(
        try_copy(&lua, "local t = {} t.self = t return t"),
        Err(ValueError::Cycle)
    ));
    assert!(matches!(
        try_copy(&lua, "local a, b = {}, {} a[1] = b b[1] = a return {a}"),
        Err(ValueError::Cycle)
    ));
    // A table used as a key is dropped, not followed.
    assert_eq!(
        try_copy(&lua, "local t = {} t[t] = 1 t[1] = 2 return t").unwrap(),
        Payload::array([Payload::Int(2)])
    );
}

#[test]
fn shared_subtables_are_copied_not_cycles() {
    across(
        "local s = {1} return {s, s, {s}}",
        "assert(v[1][1] == 1 and v[2][1] == 1 and v[3][1][1] == 1)",
    );
}

#[test]
fn depth_is_limited() {
    let lua = vm();
    let nest = |n: usize| format!("local t = 1 for i = 1, {n} do t = {{t}} end return t");
    assert!(try_copy(&lua, &nest(MAX_DEPTH)).is_ok());
    assert!(matches!(
        try_copy(&lua, &nest(MAX_DEPTH + 1)),
        Err(ValueError::TooDeep)
    ));
    assert!(matches!(
        try_copy(&lua, &nest(100_000)),
        Err(ValueError::TooDeep)
    ));
    // From Rust: a payload nested too deep is refused, not a stack overflow.
    let mut p = Payload::Int(1);
    for _ in 0..=MAX_DEPTH {
        p = Payload::array([p]);
    }
    let e = lua.round_trip(&p).unwrap_err();
    assert!(e.message().contains("deeper"), "{e}");
    assert!(lua.check(&p, "").is_err());
    assert!(lua.set_global("p", &p).is_err());
    // The VM is still fine.
    assert_eq!(lua.eval("return 1").unwrap(), Payload::Int(1));
}

#[test]
fn exponential_sharing_is_bounded() {
    let lua = vm();
    // 2^60 paths through 61 tables: must finish quickly on both sides.
    let p = copy(
        &lua,
        "local t = {} for i = 1, 60 do t = {t, t} end return t",
    );
    lua.set_global("back", &p).unwrap();
    lua.exec("local t = back for i = 1, 60 do assert(#t == 2) t = t[2] end")
        .unwrap();
}

#[test]
fn value_error_maps_to_an_error_value() {
    let e = ValueError::Cycle.to_error_value();
    assert_eq!(e.kind(), &ErrorKind::Invalid);
    assert!(e.message().contains("itself"));
    assert_eq!(
        ValueError::TooDeep.to_string(),
        format!("tables nested deeper than {MAX_DEPTH} levels")
    );
    assert_eq!(ValueError::Stack.kind(), ErrorKind::Internal);
    // `eval` reports a value that cannot be copied as INVALID.
    let e = vm().eval("local t = {} t.t = t return t").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Invalid);
}

#[test]
fn large_tables_copy() {
    let lua = vm();
    let p = copy(
        &lua,
        "local t = {} for i = 1, 10000 do t[i] = {id = i, name = 'n' .. i} end return t",
    );
    let items = p.as_array().unwrap();
    assert_eq!(items.len(), 10_000);
    assert_eq!(items[9_999].get("id"), Some(&Payload::Int(10_000)));
}

#[test]
fn the_depth_limit_is_reachable_from_nested_coroutines() {
    // `payload.new` copies its argument, here from 20 nested coroutines deep.
    vm().exec(&format!(
        "local t = 1 for i = 1, {MAX_DEPTH} do t = {{t, x = i}} end \
         local function copy(v) local p, err = payload.new(v) return err and err:message() end \
         local function nest(n) \
           if n == 0 then return copy(t) end \
           return select(2, coroutine.resume(coroutine.create(nest), n - 1)) \
         end \
         local err = nest(20) assert(err == nil, err)"
    ))
    .unwrap();
}

/// The address of the bytes of a string payload.
fn text_address(p: &Payload) -> *const u8 {
    match p {
        Payload::Str(text) => text.as_slice().as_ptr(),
        other => panic!("not a string: {other:?}"),
    }
}

#[test]
fn a_long_string_held_many_times_is_copied_once() {
    let lua = vm();
    // 1 000 slots holding one 64 KiB string, and 1 000 tables keyed by another: copied
    // string by string, the message would take 64 MB for a VM of about 0.2 MB.
    let p = copy(
        &lua,
        "local big = string.rep('x', 1 << 16)\n\
         local key = string.rep('k', 100)\n\
         local t, keyed = {}, {}\n\
         for i = 1, 1000 do t[i] = big; keyed[i] = { [key] = i } end\n\
         return { t, keyed, 'short', 'short' }",
    );
    let Payload::Array(parts) = &p else {
        panic!("{p:?}")
    };
    let (Payload::Array(t), Payload::Array(keyed)) = (&parts[0], &parts[1]) else {
        panic!("{p:?}")
    };
    assert_eq!(t.len(), 1000);
    assert!(t.iter().all(|s| text_address(s) == text_address(&t[0])));
    assert_eq!(t[999], Payload::from("x".repeat(1 << 16)));
    let key_addresses: Vec<*const u8> = keyed
        .iter()
        .map(|m| match m {
            Payload::Map(m) => match m.iter().next() {
                Some((MapKey::Str(k), _)) => k.as_slice().as_ptr(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(key_addresses.iter().all(|a| *a == key_addresses[0]));
    // It reads back as the same value.
    let other = vm();
    other
        .check(
            &p,
            "assert(#v[1] == 1000 and v[1][1000] == string.rep('x', 1 << 16))\n\
                    assert(v[2][1000][string.rep('k', 100)] == 1000 and v[3] == 'short')",
        )
        .unwrap();
}

#[test]
fn a_text_the_payload_shares_becomes_one_lua_string() {
    // 200 slots (and 200 keys) of one 1 MiB text: one Lua string each, or 400 MiB.
    let big = Payload::from("y".repeat(1 << 20));
    let key = MapKey::from("k".repeat(1 << 20).as_str());
    let items: Vec<Payload> = (0..200).map(|_| big.clone()).collect();
    let keyed: Vec<Payload> = (0..200)
        .map(|i| {
            Payload::Map(Arc::new(
                [(key.clone(), Payload::Int(i))].into_iter().collect(),
            ))
        })
        .collect();
    let p = Payload::array([Payload::array(items), Payload::array(keyed)]);
    let small = LuaVm::with_memory_limit(16 << 20).unwrap();
    small
        .check(
            &p,
            "local s = string.rep('y', 1 << 20)\n\
             assert(#v[1] == 200 and v[1][1] == s and v[1][200] == s)\n\
             assert(v[2][200][string.rep('k', 1 << 20)] == 199)",
        )
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn texts_sliced_from_one_buffer_keep_their_lengths() {
    // Two texts that start at the same address with different lengths.
    let buffer = bytes::Bytes::from("z".repeat(200) + &"w".repeat(200));
    let long = Payload::Str(Text::from(buffer.clone()));
    let short = Payload::Str(Text::from(buffer.slice(..100)));
    let p = Payload::array([long, short]);
    vm().check(
        &p,
        "assert(#v[1] == 400 and #v[2] == 100 and v[2] == string.rep('z', 100))",
    )
    .unwrap_or_else(|e| panic!("{e}"));
}
