//! Unit tests: each annotation form, plain Lua left alone, lines kept, and the error paths.

use std::borrow::Cow;

use mlua::{Lua, Value};

use super::{DialectError, strip_annotations};

/// Strips `src`, checks that only annotation bytes changed (into spaces, or a `;` that
/// ends a statement) and every line break stayed in place, and returns the result.
fn strip(src: &str) -> String {
    let out = match strip_annotations(src) {
        Ok(out) => out.into_owned(),
        Err(e) => panic!("strip failed on {src:?}: {e}"),
    };
    assert_same_shape(src, &out);
    out
}

fn assert_same_shape(src: &str, out: &str) {
    assert_eq!(src.len(), out.len(), "length changed: {src:?} -> {out:?}");
    for (a, b) in src.bytes().zip(out.bytes()) {
        if a != b {
            assert!(
                b == b' ' || b == b';',
                "{src:?} -> {out:?}: a byte became {b:?}, not a space or `;`"
            );
            assert!(
                a != b'\n' && a != b'\r',
                "a line break was removed: {src:?}"
            );
        }
    }
}

/// Strips `src`, runs it as a chunk and returns what it returns, converted to a string.
fn run(src: &str) -> String {
    let code = strip(src);
    let lua = Lua::new();
    let value: Value = match lua.load(&code).set_name("test").eval() {
        Ok(v) => v,
        Err(e) => panic!("{e}\n--- stripped:\n{code}"),
    };
    match value.to_string() {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

fn unchanged(src: &str) {
    match strip_annotations(src) {
        Ok(Cow::Borrowed(out)) => assert_eq!(out, src),
        Ok(Cow::Owned(out)) => panic!("plain Lua was changed:\n{src}\n--- into:\n{out}"),
        Err(e) => panic!("plain Lua was rejected: {e}\n{src}"),
    }
}

fn error(src: &str) -> DialectError {
    match strip_annotations(src) {
        Ok(out) => panic!("expected an error for {src:?}, got {out:?}"),
        Err(e) => e,
    }
}

// ---- locals ----------------------------------------------------------------------------

#[test]
fn local_with_type() {
    assert_eq!(strip("local x: number = 1"), "local x         = 1");
    assert_eq!(run("local x: number = 1 return x"), "1");
}

#[test]
fn several_locals_with_types() {
    assert_eq!(strip("local a: T, b: U = 1, 2"), "local a   , b    = 1, 2");
    assert_eq!(
        run("local a: string, b, c: {number} = 'x', 2, {3} return a .. b .. c[1]"),
        "x23"
    );
}

#[test]
fn optional_table_type() {
    assert_eq!(
        strip("local x: {string}? = nil"),
        "local x            = nil"
    );
    assert_eq!(run("local x: {string}? = nil return tostring(x)"), "nil");
}

#[test]
fn local_without_value() {
    assert_eq!(strip("local x: number\nx = 2"), "local x        \nx = 2");
}

#[test]
fn local_attributes_stay() {
    assert_eq!(
        strip("local x <const>: number = 1"),
        "local x <const>         = 1"
    );
    unchanged("local x <const> = 1\nlocal f <close> = nil\nlocal a <const>, b = 1, 2");
    assert_eq!(
        run("local x <const>: number, y: number = 1, 2 return x + y"),
        "3"
    );
}

#[test]
fn complex_local_types() {
    let src = "local KIND: {[string]: {fill: string, border: string}} = {\n  a = {fill = 'x', border = 'y'},\n}\nreturn KIND.a.fill";
    assert_eq!(run(src), "x");
    assert_eq!(
        run("local f: (number, number) -> number = function(a, b) return a + b end return f(2, 3)"),
        "5"
    );
    assert_eq!(run("local u: number | string | nil = 'u' return u"), "u");
    assert_eq!(run("local i: A & B = 7 return i"), "7");
    assert_eq!(run("local m: 'read' | \"write\" = 'read' return m"), "read");
    assert_eq!(
        run("local g: Map<string, Array<number>> = {} return #g"),
        "0"
    );
    assert_eq!(
        run("local h: typeof(print) = print return type(h)"),
        "function"
    );
    assert_eq!(run("local p: mod.Point? = nil return tostring(p)"), "nil");
}

// ---- functions -------------------------------------------------------------------------

#[test]
fn function_params_and_return() {
    assert_eq!(
        strip("function f(a: T, b: {x: number}?): R end"),
        "function f(a   , b              )    end"
    );
    assert_eq!(
        run(
            "function f(a: number, b: {x: number}?): number return a + (b and b.x or 0) end return f(1, {x = 2})"
        ),
        "3"
    );
}

#[test]
fn local_function_varargs_and_tuple_return() {
    assert_eq!(
        strip("local function f(...: any): (number, string) end"),
        "local function f(...     )                   end"
    );
    assert_eq!(
        run(
            "local function f(...: any): (number, string) return select('#', ...), 'n' end local a, b = f(1, 2) return a .. b"
        ),
        "2n"
    );
    assert_eq!(
        run("local function f(x: number, ...: string): ...string return ... end return f(1, 'a')"),
        "a"
    );
}

#[test]
fn anonymous_functions() {
    assert_eq!(
        strip("local f = function(a: T): R return a end"),
        "local f = function(a   )    return a end"
    );
    assert_eq!(
        run("local f = function(a: number): number return a * 2 end return f(4)"),
        "8"
    );
    assert_eq!(
        run(
            "local t = {} table.insert(t, 3) table.insert(t, 1) table.sort(t, function(a: number, b: number): boolean return a < b end) return t[1]"
        ),
        "1"
    );
}

#[test]
fn methods() {
    assert_eq!(
        strip("function M:m(a: T): R end"),
        "function M:m(a   )    end"
    );
    let src =
        "local M = {v = 2}\nfunction M:m(a: number): number return self.v * a end\nreturn M:m(5)";
    assert_eq!(run(src), "10");
    assert_eq!(
        run("local M = {n = {}} function M.n.o(x: number): () return x end return M.n.o(4)"),
        "4"
    );
}

#[test]
fn generic_functions() {
    assert_eq!(
        strip("function first<T>(arr: {T}): T?\n  return arr[1]\nend"),
        "function first   (arr     )    \n  return arr[1]\nend"
    );
    assert_eq!(
        strip("local function map<T, U>(f: (T) -> U) end"),
        "local function map      (f          ) end"
    );
    assert_eq!(
        run("local function first<T>(arr: {T}): T? return arr[1] end return first({9, 8})"),
        "9"
    );
    assert_eq!(
        run("local M = {} function M:id<T>(x: T): T return x end return M:id('g')"),
        "g"
    );
    assert_eq!(
        run("local id = function<T>(x: T): T return x end return id(6)"),
        "6"
    );
    assert_eq!(
        run(
            "local function f<T..., U: string>(...: T...): (U, ...number) return ... end return f(3)"
        ),
        "3"
    );
}

#[test]
fn function_typed_callback_params() {
    let src = "local function apply(f: (number) -> number, x: number): number return f(x) end\n\
               return apply(function(n: number): number return n + 1 end, 1)";
    assert_eq!(run(src), "2");
    assert_eq!(
        run(
            "local function g(cb: fun(x: number): string): string return cb(1) end return g(tostring)"
        ),
        "1"
    );
}

#[test]
fn return_type_lists_without_parentheses() {
    // Wippy's parser takes `: A, B` after a parameter list, as well as Luau's `: (A, B)`.
    assert_eq!(
        strip("local function f(): string?, string? return nil, 'e' end"),
        "local function f()                   return nil, 'e' end"
    );
    assert_eq!(
        run(
            "local function f(a: {x: T}?, b: number): number, string return b, 's' end local n, s = f(nil, 4) return n .. s"
        ),
        "4s"
    );
}

// ---- type declarations ------------------------------------------------------------------

#[test]
fn type_declaration() {
    // The declaration's first byte ends the statement before it.
    assert_eq!(
        strip("type Point = {x: number, y: number}\nlocal p = 1"),
        ";                                  \nlocal p = 1"
    );
    assert_eq!(strip("export type X = number"), ";                     ");
    assert_eq!(
        run(
            "type Point = {x: number, y: number}\nlocal p: Point = {x = 1, y = 2}\nreturn p.x + p.y"
        ),
        "3"
    );
}

#[test]
fn multi_line_type_declaration() {
    let src = "type Shape =\n  | {kind: 'circle', r: number}\n  | {kind: 'rect', w: number, h: number}\n\
               type Opt = {\n  name: string, -- a comment\n  tags: {string}?,\n  nested: {a: {b: {c: number}}};\n}\n\
               return 1";
    let out = strip(src);
    assert_eq!(out.lines().count(), src.lines().count());
    assert!(
        out.lines().take(8).all(|l| matches!(l.trim(), "" | ";")),
        "{out}"
    );
    assert_eq!(run(src), "1");
}

#[test]
fn generic_and_function_type_declarations() {
    let src = "type Box<T> = {value: T}\n\
               export type Pair<K, V = string> = {key: K, value: V}\n\
               type Cb = (err: string?, value: any) -> ()\n\
               type G = <T>(T) -> (boolean, T)\n\
               type Both = Box<number> & {extra: Array<Array<number>>}\n\
               type Dict = {[string]: {number}}\n\
               type Ref = typeof(print)\n\
               type Fun = fun(a: number): boolean\n\
               type Arr = string[]\n\
               type V = {name: string @min(1), age?: integer}\n\
               type Packs = (...number) -> ...string\n\
               return 'ok'";
    assert_eq!(run(src), "ok");
}

#[test]
fn declarations_one_after_another() {
    // The previous declaration ends in `>`, `?` or `)`, not in a name: still a statement end.
    let src = "type Message = process.Message\ntype Ch = Channel<Message>\ntype Opt = Ch?\n\
               type F = () -> ()\ntype G = (number)\nexport type H = {read [number]: G, read [\"end\"]: F}\n\
               type Last = H\nreturn 1";
    let out = strip(src);
    assert!(out.lines().take(7).all(|l| l.trim() == ";"), "{out}");
    assert_eq!(run(src), "1");
}

#[test]
fn type_declaration_in_blocks() {
    let src = "local function f()\n  type Local = number\n  local x: Local = 1\n  return x\nend\n\
               do type A = string end\n\
               if true then type B = boolean else type C = nil end\n\
               return f()";
    assert_eq!(run(src), "1");
}

#[test]
fn type_as_an_identifier() {
    unchanged(
        "local t = {type = 1}\nt.type = 2\nprint(type(t), t.type)\nlocal type = type\ntype = 5",
    );
    unchanged("local x = type\nX = 1");
    unchanged("local x = obj.type\nX = 1");
    unchanged("function t:type() return 1 end\nlocal k = t:type()");
    unchanged("local function type(x) return x end\nreturn type 'x'");
    unchanged("type = nil; type = 1\nreturn type");
    unchanged("local export = {type = 1}\nexport.type = 2\nexport = 3");
    assert_eq!(
        run(
            "local t = {type = 'a'}\nt.type = 'b'\nlocal n = type(t)\ntype Q = number\nreturn n .. t.type"
        ),
        "tableb"
    );
}

// ---- casts and assertions ---------------------------------------------------------------

#[test]
fn casts() {
    assert_eq!(
        strip("local n = (x :: any) :: number"),
        "local n = (x       )          "
    );
    assert_eq!(strip("foo(bar :: string)"), "foo(bar          )");
    assert_eq!(
        run(
            "local x = '5'\nlocal n = (x :: any) :: string\nreturn tonumber(n :: string) :: number + 1"
        ),
        "6"
    );
    assert_eq!(
        run(
            "local t = {a = 1 :: number, b = ('x' :: string), c = {} :: {number}} return t.a .. t.b"
        ),
        "1x"
    );
    assert_eq!(
        run("local f = function() return 3 end :: () -> number return f()"),
        "3"
    );
}

#[test]
fn a_cast_followed_by_a_comparison_or_shift() {
    // `<=` and `<<` are one token to Lua's lexer (and to Wippy's): the cast's type ends
    // before them, where a `<` alone would open the type's arguments.
    assert_eq!(
        run("local n = 3\nlocal ok = n :: number <= 3\nreturn ok"),
        "true"
    );
    assert_eq!(run("local n = 3\nreturn n as number <= 2"), "false");
    assert_eq!(run("local n = 3\nreturn n :: integer << 2"), "12");
    assert_eq!(
        strip("local ok = n :: number <= 3"),
        "local ok = n           <= 3"
    );
    // Apart, `<` still opens type arguments.
    assert_eq!(
        strip("local m = x :: Map< string, number >"),
        "local m = x                         "
    );
}

#[test]
fn casts_next_to_labels() {
    let src = "local total = 0\n\
               for _, v: number in ipairs({1, 2, 3, 4}) do\n\
               \x20 if v % 2 ~= 0 then goto continue end\n\
               \x20 total = total + v :: number\n\
               \x20 ::continue::\n\
               end\n\
               return total";
    assert_eq!(run(src), "6");
    unchanged("for i = 1, 3 do\n  if i == 2 then goto skip end\n  ::skip::\nend\n::done::");
    unchanged("local x = 1 ::top:: x = x + 1 if x < 3 then goto top end");
}

#[test]
fn as_casts_and_non_nil_assertions() {
    assert_eq!(strip("local s = x as string"), "local s = x          ");
    assert_eq!(strip("local y = x!.field"), "local y = x .field");
    assert_eq!(
        run("local x: number? = 4\nlocal y = x! + (x as number)\nreturn y"),
        "8"
    );
    unchanged("local as = 1\nlocal t = {as = as}\nt.as = obj:as(2)\nas = 3");
    unchanged("a = b as = c");
    unchanged("a = b\nas(c)");
    unchanged("a = b\nas 'c'");
    unchanged("a = b\nas {c}");
    // The one plain-Lua reading given up: a call of `as` with a table, right after an
    // expression on the same line, is taken for a cast.
    assert_eq!(strip("a = b as {c}"), "a = b       ");
    // ... but only when a table type follows: otherwise it stays the call it is in
    // plain Lua (found by the fuzzer: `f'x' is':' as{r '-'}`).
    unchanged("f'x' is':' as{r '-'}");
    unchanged("a = b as {print('x')}");
    assert_eq!(
        strip("local o = m as {value: number}"),
        "local o = m                   "
    );
    assert_eq!(
        run("local m = {value = 3}\nlocal o = m as {value: number}?\nreturn o.value"),
        "3"
    );
}

#[test]
fn casts_bind_tighter_than_bitwise_operators() {
    // As in Wippy's grammar: `mask :: integer | FLAG` is `(mask :: integer) | FLAG`.
    assert_eq!(
        run("local FLAG = 4\nlocal mask = 3\n\
             local a = mask :: integer | FLAG\n\
             local b = mask as integer | FLAG\n\
             local c = mask :: integer & 1\n\
             local d = mask :: integer? | 8\n\
             return a .. ' ' .. b .. ' ' .. c .. ' ' .. d"),
        "7 7 1 11"
    );
    // Unions inside the cast's type stay types.
    assert_eq!(
        run("local t = {1, 'a'} :: {number | string}\n\
             local u = t as Array<number | string>\n\
             local v = (t :: any) :: {[string]: number & {}}?\n\
             return #t + #u + #v"),
        "6"
    );
}

#[test]
fn a_declaration_or_cast_before_a_paren_ends_the_statement() {
    // Blanks alone would make `g('a')(g)('b')`: the dialect reads two statements.
    let prelude = "local log = {}\nlocal t = {f = 1}\n\
                   local function g(a) log[#log + 1] = a return a end\n";
    for (middle, stripped_middle) in [
        ("g('a')\ntype T = number\n", "g('a')\n;              \n"),
        (
            "g('a')\nexport type T = number\n",
            "g('a')\n;                     \n",
        ),
        (
            "local y = g('a') :: string\n",
            "local y = g('a') ;        \n",
        ),
        (
            "local y = g('a') as string\n",
            "local y = g('a') ;        \n",
        ),
        (
            "local y = t.f!\ng('a')\nlocal z = t.f!\n",
            "local y = t.f \ng('a')\nlocal z = t.f;\n",
        ),
    ] {
        let src = format!("{prelude}{middle}(g)('b')\nreturn table.concat(log)");
        assert_eq!(
            strip(&src),
            format!("{prelude}{stripped_middle}(g)('b')\nreturn table.concat(log)")
        );
        assert_eq!(run(&src), "ab", "{middle:?}");
    }
    // Not before anything else: `(x :: T)` and `x :: T .. y` keep their blanks.
    assert_eq!(strip("local y = (x :: T)(1)"), "local y = (x     )(1)");
    assert_eq!(strip("local y = x :: T .. 'a'"), "local y = x      .. 'a'");
    // A cast that a call's `(` follows on its line is an error, as in Wippy's grammar.
    let error = Lua::new()
        .load(strip("local y = f :: T (1)"))
        .exec()
        .expect_err("a call of a cast");
    assert!(error.to_string().contains("syntax error"), "{error}");
}

// ---- loops -----------------------------------------------------------------------------

#[test]
fn for_loops() {
    assert_eq!(
        strip("for i: number = 1, 10 do end"),
        "for i         = 1, 10 do end"
    );
    assert_eq!(
        strip("for k: string, v: any in pairs(t) do end"),
        "for k        , v      in pairs(t) do end"
    );
    assert_eq!(
        run(
            "local s = 0 for i: integer = 1, 4 do s = s + i end for k: string, v: number in pairs({a = 1}) do s = s + v end return s"
        ),
        "11"
    );
}

// ---- plain Lua -------------------------------------------------------------------------

const PLAIN: &[&str] = &[
    "local obj = {}\nfunction obj:method(a, b) return a end\nobj:method(1, 2)\nobj.method(obj, 1)",
    "local x = a:b():c(d):e 'str' :f {1, 2}",
    "for i = 1, 10 do\n  if i % 2 == 0 then goto continue end\n  print(i)\n  ::continue::\nend",
    "goto done\nlocal x = 1\n::done::",
    "local s = 'a: b' .. \"c :: d\" .. [[local x: number]] .. [==[ ]] ]=] ]==]",
    "-- local x: number = 1\n--[[ function f(a: T): R end ]]\n--[==[ type X = {} ]] ]==]\nlocal y = 1",
    "local t = {x = 1, ['y'] = 2, [3] = 4; 5, f = function(a, b) return a < b end}",
    "local x <const> = 1\nlocal f <close> = nil",
    "if a < b and c > d then return a<b, c>d end",
    "local y = a<b\nlocal z = f(a < b, c > (d))",
    "local n = 0x1p4 + 1e-3 + 3. + .5 + 0xA.8p0 + 1E+2 + 0xff // 2 >> 1 << 2 ~ 3 & 4 | 5",
    "local a = ~b ~= c and #d == 2 or -e ^ 2 % 3",
    "print(type(x), type 'x', type {})",
    "local s = 'esc \\' \\\" \\\\ \\n \\z\n   continued \\x41 \\u{48} \\65'",
    "local s = \"line \\\n next\"",
    "local t = {...}\nlocal function v(...) return select('#', ...) end",
    "return function(a, ...) return a, ... end",
    "local a = {[[\nmulti\nline\n]]}\nlocal b = [=[\n]]\n]=]",
    "while true do break end repeat local x = 1 until x == 1",
    "local f = function() end\nlocal g = (f)\n;(g)()",
    "a.b.c.d = e[f][g]:h(i)",
    "local x = 1 -- trailing comment with :: and : T",
    "",
    "\n\n\r\n\r",
];

#[test]
fn plain_lua_is_borrowed_unchanged() {
    for src in PLAIN {
        unchanged(src);
    }
}

#[test]
fn plain_lua_still_compiles() {
    for src in PLAIN {
        let lua = Lua::new();
        if let Err(e) = lua.load(*src).into_function() {
            panic!("corpus entry does not compile: {e}\n{src}");
        }
    }
}

// ---- lines -----------------------------------------------------------------------------

#[test]
fn lines_are_kept_for_syntax_errors() {
    let src = "type T = {\n  a: number,\n}\nlocal function f(x: T): number\n  return x.a\nend\nlocal = 5\n";
    let out = strip(src);
    let err = match Lua::new().load(&out).set_name("=chunk").into_function() {
        Ok(_) => panic!("expected a syntax error"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("chunk:7:"), "{err}");
}

#[test]
fn lines_are_kept_for_runtime_errors() {
    let src = "type Config = {\n\
               \x20 name: string,\n\
               \x20 size: integer,\n\
               }\n\
               local function check(c: Config): integer -- line 5\n\
               \x20 local n: integer = c.size :: integer\n\
               \x20 if n > 2 then\n\
               \x20   error('too big')  -- line 8\n\
               \x20 end\n\
               \x20 return n\n\
               end\n\
               return check({name = 'x', size = 3})";
    let out = strip(src);
    let err = match Lua::new().load(&out).set_name("=chunk").exec() {
        Ok(()) => panic!("expected a runtime error"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("chunk:8: too big"), "{err}");
}

#[test]
fn columns_are_kept() {
    let src = "local a: number, b: string = 1, 'x'";
    let out = strip(src);
    assert_eq!(out.find("= 1"), src.find("= 1"));
    assert_eq!(out.find(", b"), src.find(", b"));
}

#[test]
fn crlf_and_non_ascii_survive() {
    let src = "local s: string = 'héllo'\r\ntype T = {name: 'ünïcode'}\r\nreturn s";
    let out = strip(src);
    assert!(out.contains("'héllo'\r\n"));
    assert_eq!(out.matches("\r\n").count(), 2);
    assert_eq!(run(src), "héllo");
}

// ---- errors ----------------------------------------------------------------------------

/// What Lua says when it compiles `src` after stripping.
fn lua_error(src: &str) -> String {
    let code = strip(src);
    match Lua::new().load(&code).set_name("=t").into_function() {
        Ok(_) => panic!("expected a Lua error for {src:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unreadable_source_is_left_to_lua() {
    // Lua's own messages and lines, as without annotations.
    let e = lua_error("local a: number = 1\nlocal s = [==[\nnever closed ]=]\n");
    assert!(
        e.contains("t:4: unfinished long string (starting at line 2) near <eof>"),
        "{e}"
    );
    let e = lua_error("local a: number = 1\n\n--[[ open\ncomment");
    assert!(
        e.contains("unfinished long comment (starting at line 3)"),
        "{e}"
    );
    let e = lua_error("local a: number = 1\nlocal s = 'abc\nx = 1");
    assert!(e.contains("t:2: unfinished string near ''abc'"), "{e}");
    let e = lua_error("local s = \"abc\\");
    assert!(e.contains("t:1: unfinished string"), "{e}");
}

#[test]
fn first_error_wins_over_an_unreadable_string() {
    let e = lua_error("local a = = 1\nlocal b: number = 2\nlocal s = \"abc\n");
    assert!(e.contains("t:1: unexpected symbol near '='"), "{e}");
    // Annotations before the unreadable part are still stripped.
    let e = lua_error("local function f(a: number): string return a end\nlocal s = 'abc\n");
    assert!(e.contains("t:2: unfinished string"), "{e}");
}

#[test]
fn asserts_return_types() {
    assert_eq!(
        run(
            "local function check(x: any): asserts x is string\n  assert(type(x) == 'string')\nend\ncheck('s')\nreturn 'ok'"
        ),
        "ok"
    );
    assert_eq!(
        run("local function check(x: any): asserts x\n  assert(x)\nend\ncheck(1)\nreturn 'ok'"),
        "ok"
    );
    assert_eq!(
        run("local function g(x): asserts x is {n: number}?\n  return\nend\ng(1)\nreturn 'ok'"),
        "ok"
    );
    // `asserts` alone is a type name, and the next line is code.
    assert_eq!(
        run("local function h(): asserts\n  local x = 1\n  return x\nend\nreturn h()"),
        "1"
    );
}

#[test]
fn unbalanced_brackets_in_types() {
    let e = error("local a = 1\ntype P = {\n  x: number,\n  y: number\n\nlocal p = 1\n");
    assert_eq!(e.line, 6, "{e}");
    assert!(
        e.message.contains("`}`") && e.message.contains("line 2"),
        "{e}"
    );

    let e = error("local x: {number = {}");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("found `=`"), "{e}");

    let e = error("local function f(a: (number, string -> nil) end");
    assert!(e.message.contains("`)`"), "{e}");

    let e = error("\n\nlocal m: Map<string, number = {}");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("`>`"), "{e}");

    let e = error("type T = {\n  a: {[string]: number,\n}");
    assert_eq!(e.line, 3, "{e}");
    assert!(
        e.message.contains("line 1") && e.message.contains("end of input"),
        "{e}"
    );

    let e = error("local t: typeof(f(x) = 1");
    assert!(e.message.contains("`)`"), "{e}");
}

#[test]
fn missing_types() {
    assert!(error("local x: = 1").message.contains("expected a type"));
    assert!(
        error("function f(a:) end")
            .message
            .contains("expected a type")
    );
    assert!(error("type X < = 1").message.contains("generic parameter"));
    let e = error("local y = 1\ntype X<T> number");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("expected `=`"), "{e}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let src = format!("local x: {} = 1", "{".repeat(100_000));
    assert!(error(&src).message.contains("nested"));
    let src = format!("local x: {} = 1", "(".repeat(100_000));
    assert!(error(&src).message.contains("nested"));
    let src = format!("local x: {}T = 1", "...".repeat(100_000));
    assert!(error(&src).message.contains("nested"));
}

// ---- robustness ------------------------------------------------------------------------

/// Every prefix of every snippet above: no panic, and a successful strip keeps the shape.
#[test]
fn prefixes_never_panic() {
    let mut snippets: Vec<&str> = PLAIN.to_vec();
    snippets.extend([
        "local function f<T, U...>(a: {[string]: T?}, ...: U...): (T, ...number) return a end",
        "type X<T = number> = {read a: T, write b?: (x: T) -> (), [string]: T[]} & Y | 'z'",
        "local n = ((x :: any) :: number)! as integer ::lbl:: goto lbl",
        "for k: string, v: {fun(a: number): string} in pairs(t) do end",
        "export type E = typeof(setmetatable({} :: {x: T @min(1)}, mt))",
    ]);
    for src in snippets {
        for (at, _) in src.char_indices() {
            let prefix = &src[..at];
            if let Ok(out) = strip_annotations(prefix) {
                assert_same_shape(prefix, &out);
            }
        }
    }
}
