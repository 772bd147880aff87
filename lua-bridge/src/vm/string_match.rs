//! `string.find` (with a pattern), `string.match`, `string.gmatch` and `string.gsub` over
//! the matcher of `pattern.rs`, which a long match cannot hold a worker with: every
//! [`CHECK_EVERY`](super::pattern::CHECK_EVERY) steps it asks whether the process has
//! run [`UNPREEMPTIBLE_LIMIT`](super::preempt::UNPREEMPTIBLE_LIMIT) past its slice, and
//! then stops it as a callback that cannot yield is stopped (`preempt.rs`).
//!
//! Each function does what `lstrlib.c`'s does with the same arguments, results and
//! errors (the tests below compare them on random patterns). `string_args.rs` calls them
//! for the calls whose arguments need no conversion or checking (strings, an integer
//! `init` or count, a replacement of a valid type); `None` leaves any other call to the
//! library, whose argument errors stay its own.
//!
//! Like the library's, these are raw C functions over the Lua stack that own no Rust
//! value that needs dropping: a Lua error (a memory error, a malformed pattern, an error
//! in a `gsub` function) may jump over them.

use super::pattern::{Capture, Matcher, PatternError};
use super::preempt::{raise_stop, stuck_in_c_function};
use super::string_args::start_index;
use mlua::ffi;
use std::ffi::c_int;
use std::mem::MaybeUninit;

/// The bytes of the string at `idx` (which must be a string, not a number).
///
/// # Safety
///
/// `l` is live and the value at `idx` a string, which stays on the stack while the
/// slice is used.
unsafe fn bytes<'a>(l: *mut ffi::lua_State, idx: c_int) -> &'a [u8] {
    let mut len = 0;
    // SAFETY: as this function's contract; Lua strings do not move.
    unsafe {
        let p = ffi::lua_tolstring(l, idx, &mut len);
        std::slice::from_raw_parts(p.cast::<u8>(), len)
    }
}

/// The integer argument at `idx`: `Some(default)` when absent or nil, `None` when it is
/// anything but an integer (left to the library).
///
/// # Safety
///
/// `l` is live.
unsafe fn int_arg(l: *mut ffi::lua_State, idx: c_int, default: i64) -> Option<i64> {
    // SAFETY: reads a value of the live stack.
    unsafe {
        match ffi::lua_type(l, idx) {
            ffi::LUA_TNONE | ffi::LUA_TNIL => Some(default),
            ffi::LUA_TNUMBER if ffi::lua_isinteger(l, idx) != 0 => Some(ffi::lua_tointeger(l, idx)),
            _ => None,
        }
    }
}

/// Whether the subject and pattern (arguments 1 and 2) are strings.
///
/// # Safety
///
/// `l` is live.
unsafe fn strings(l: *mut ffi::lua_State) -> bool {
    // SAFETY: reads values of the live stack.
    unsafe { ffi::lua_type(l, 1) == ffi::LUA_TSTRING && ffi::lua_type(l, 2) == ffi::LUA_TSTRING }
}

/// Raises `error` as `lstrlib.c` raises it.
///
/// # Safety
///
/// `l` is the running thread, in a C function owning nothing to drop.
unsafe fn raise(l: *mut ffi::lua_State, error: PatternError) -> ! {
    // SAFETY: as this function's contract.
    unsafe {
        match error {
            PatternError::Message(text) => {
                ffi::luaL_error(l, c"%s".as_ptr(), text.as_ptr());
            }
            PatternError::CaptureIndex(i) => {
                ffi::luaL_error(l, c"invalid capture index %%%d".as_ptr(), i);
            }
            PatternError::Stopped => raise_stop(l),
        }
        unreachable!("luaL_error returns no more")
    }
}

/// Splits the `^` anchor off a pattern.
fn anchored(pattern: &[u8]) -> (bool, &[u8]) {
    match pattern.split_first() {
        Some((b'^', rest)) => (true, rest),
        _ => (false, pattern),
    }
}

/// Pushes capture `i` of a match `s..e` (`push_onecapture`; the whole match when there
/// are no captures and `i` is 0).
///
/// # Safety
///
/// `l` is live with room for one value; `src` is the subject the matcher matched.
unsafe fn push_capture<F: FnMut() -> bool>(
    l: *mut ffi::lua_State,
    m: &Matcher<'_, F>,
    src: &[u8],
    i: usize,
    s: usize,
    e: usize,
) {
    // SAFETY: as this function's contract.
    unsafe {
        let (start, len) = if i >= m.level {
            if i != 0 {
                raise(
                    l,
                    PatternError::CaptureIndex(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                );
            }
            (s, e - s)
        } else {
            match m.captures[i] {
                Capture::Text { start, len } => (start, len),
                Capture::Position { at } => {
                    ffi::lua_pushinteger(l, i64::try_from(at + 1).unwrap_or(i64::MAX));
                    return;
                }
                Capture::Unfinished { .. } => {
                    ffi::luaL_error(l, c"unfinished capture".as_ptr());
                    unreachable!("luaL_error returns no more")
                }
            }
        };
        ffi::lua_pushlstring(l, src[start..].as_ptr().cast(), len);
    }
}

/// Pushes the captures of a match `s..e` (the whole match when there are none and
/// `whole`), and returns how many (`push_captures`).
///
/// # Safety
///
/// As [`push_capture`].
unsafe fn push_captures<F: FnMut() -> bool>(
    l: *mut ffi::lua_State,
    m: &Matcher<'_, F>,
    src: &[u8],
    whole: bool,
    s: usize,
    e: usize,
) -> c_int {
    let n = if m.level == 0 && whole { 1 } else { m.level };
    // SAFETY: as this function's contract; room is made first.
    unsafe {
        ffi::luaL_checkstack(
            l,
            c_int::try_from(n).unwrap_or(c_int::MAX),
            c"too many captures".as_ptr(),
        );
        for i in 0..n {
            push_capture(l, m, src, i, s, e);
        }
    }
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

/// `string.find(s, pattern [, init])` with a pattern (`find`), or `string.match`.
///
/// # Safety
///
/// `l` is the live state of a C function call owning nothing to drop.
pub(crate) unsafe fn find(l: *mut ffi::lua_State, find: bool) -> Option<c_int> {
    // SAFETY: as this function's contract.
    unsafe {
        if !strings(l) || (find && ffi::lua_toboolean(l, 4) != 0) {
            return None;
        }
        let init = int_arg(l, 3, 1)?;
        let src = bytes(l, 1);
        let Some(start) = start_index(init, src.len()) else {
            ffi::lua_pushnil(l);
            return Some(1);
        };
        let (anchor, pattern) = anchored(bytes(l, 2));
        let mut m = Matcher::new(src, pattern, || stuck_in_c_function(l));
        let mut s1 = start;
        loop {
            match m.match_at(s1) {
                Ok(Some(e)) if find => {
                    ffi::lua_pushinteger(l, i64::try_from(s1 + 1).unwrap_or(i64::MAX));
                    ffi::lua_pushinteger(l, i64::try_from(e).unwrap_or(i64::MAX));
                    return Some(push_captures(l, &m, src, false, s1, e) + 2);
                }
                Ok(Some(e)) => return Some(push_captures(l, &m, src, true, s1, e)),
                Ok(None) => {}
                Err(error) => raise(l, error),
            }
            if anchor || s1 >= src.len() {
                break;
            }
            s1 += 1;
        }
        ffi::lua_pushnil(l);
        Some(1)
    }
}

/// `string.gmatch(s, pattern [, init])`: an iterator over the matches (the subject and
/// pattern, the position and the end of the last match are its upvalues).
///
/// # Safety
///
/// As [`find`].
pub(crate) unsafe fn gmatch(l: *mut ffi::lua_State) -> Option<c_int> {
    // SAFETY: as this function's contract.
    unsafe {
        if !strings(l) {
            return None;
        }
        let init = int_arg(l, 3, 1)?;
        let len = bytes(l, 1).len();
        // Past the end: an iterator that finds nothing (as `lstrlib.c`, `ls + 1`).
        let start = start_index(init, len).unwrap_or(len + 1);
        ffi::lua_settop(l, 2);
        ffi::lua_pushinteger(l, i64::try_from(start).unwrap_or(i64::MAX));
        ffi::lua_pushinteger(l, -1);
        ffi::lua_pushcclosure(l, gmatch_next, 4);
        Some(1)
    }
}

/// The iterator of [`gmatch`]: the captures of the next match, or nothing.
unsafe extern "C-unwind" fn gmatch_next(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua as the closure made in `gmatch`, whose upvalues are the
    // subject, the pattern and two integers; it owns nothing to drop.
    unsafe {
        let src = bytes(l, ffi::lua_upvalueindex(1));
        let pattern = bytes(l, ffi::lua_upvalueindex(2));
        let from = usize::try_from(ffi::lua_tointeger(l, ffi::lua_upvalueindex(3))).unwrap_or(0);
        let last = usize::try_from(ffi::lua_tointeger(l, ffi::lua_upvalueindex(4))).ok();
        let mut m = Matcher::new(src, pattern, || stuck_in_c_function(l));
        for s in from..=src.len() {
            match m.match_at(s) {
                Ok(Some(e)) if Some(e) != last => {
                    let at = i64::try_from(e).unwrap_or(i64::MAX);
                    ffi::lua_pushinteger(l, at);
                    ffi::lua_replace(l, ffi::lua_upvalueindex(3));
                    ffi::lua_pushinteger(l, at);
                    ffi::lua_replace(l, ffi::lua_upvalueindex(4));
                    return push_captures(l, &m, src, true, s, e);
                }
                Ok(_) => {}
                Err(error) => raise(l, error),
            }
        }
        0
    }
}

/// `string.gsub(s, pattern, repl [, n])`.
///
/// # Safety
///
/// As [`find`].
pub(crate) unsafe fn gsub(l: *mut ffi::lua_State) -> Option<c_int> {
    // SAFETY: as this function's contract. The buffer stays where it is made (Lua keeps
    // its address while it grows on the stack) and the stack above it is used as
    // `luaL_Buffer` allows: values pushed and taken back, or added with `luaL_addvalue`.
    unsafe {
        if !strings(l) {
            return None;
        }
        let repl = ffi::lua_type(l, 3);
        if !matches!(
            repl,
            ffi::LUA_TNUMBER | ffi::LUA_TSTRING | ffi::LUA_TFUNCTION | ffi::LUA_TTABLE
        ) {
            return None;
        }
        let src = bytes(l, 1);
        let max = int_arg(
            l,
            4,
            i64::try_from(src.len())
                .unwrap_or(i64::MAX)
                .saturating_add(1),
        )?;
        let (anchor, pattern) = anchored(bytes(l, 2));
        let mut buffer = MaybeUninit::<ffi::luaL_Buffer>::uninit();
        let b = buffer.as_mut_ptr();
        ffi::luaL_buffinit(l, b);
        let mut m = Matcher::new(src, pattern, || stuck_in_c_function(l));
        let (mut s, mut last, mut n, mut changed) = (0, None, 0_i64, false);
        while n < max {
            let end = match m.match_at(s) {
                Ok(end) => end,
                Err(error) => raise(l, error),
            };
            match end.filter(|&e| Some(e) != last) {
                Some(e) => {
                    n += 1;
                    changed |= add_value(l, b, &m, src, s, e, repl);
                    s = e;
                    last = Some(e);
                }
                None if s < src.len() => {
                    ffi::luaL_addchar(b, src[s] as std::ffi::c_char);
                    s += 1;
                }
                None => break,
            }
            if anchor {
                break;
            }
        }
        if changed {
            ffi::luaL_addlstring(b, src[s..].as_ptr().cast(), src.len() - s);
            ffi::luaL_pushresult(b);
        } else {
            ffi::lua_pushvalue(l, 1);
        }
        ffi::lua_pushinteger(l, n);
        Some(2)
    }
}

/// Adds the replacement of the match `s..e` to `b` (`add_value`); `true` when it
/// changed the text.
///
/// # Safety
///
/// As [`gsub`], which calls it with its buffer.
unsafe fn add_value<F: FnMut() -> bool>(
    l: *mut ffi::lua_State,
    b: *mut ffi::luaL_Buffer,
    m: &Matcher<'_, F>,
    src: &[u8],
    s: usize,
    e: usize,
    repl: c_int,
) -> bool {
    // SAFETY: as this function's contract.
    unsafe {
        match repl {
            ffi::LUA_TFUNCTION => {
                ffi::lua_pushvalue(l, 3);
                let n = push_captures(l, m, src, true, s, e);
                ffi::lua_call(l, n, 1);
            }
            ffi::LUA_TTABLE => {
                ffi::luaL_checkstack(l, 1, c"too many captures".as_ptr());
                push_capture(l, m, src, 0, s, e);
                ffi::lua_gettable(l, 3);
            }
            _ => {
                add_text(l, b, m, src, s, e);
                return true;
            }
        }
        if ffi::lua_toboolean(l, -1) == 0 {
            ffi::lua_pop(l, 1);
            ffi::luaL_addlstring(b, src[s..].as_ptr().cast(), e - s);
            false
        } else if ffi::lua_isstring(l, -1) == 0 {
            ffi::luaL_error(
                l,
                c"invalid replacement value (a %s)".as_ptr(),
                ffi::luaL_typename(l, -1),
            );
            unreachable!("luaL_error returns no more")
        } else {
            ffi::luaL_addvalue(b);
            true
        }
    }
}

/// Adds the replacement string (argument 3) for the match `s..e`, with its `%0`..`%9`
/// and `%%` (`add_s`).
///
/// # Safety
///
/// As [`add_value`].
unsafe fn add_text<F: FnMut() -> bool>(
    l: *mut ffi::lua_State,
    b: *mut ffi::luaL_Buffer,
    m: &Matcher<'_, F>,
    src: &[u8],
    s: usize,
    e: usize,
) {
    // SAFETY: as this function's contract; the replacement (a number is converted in
    // place, as the library does) stays at 3 while its bytes are read.
    unsafe {
        let mut len = 0;
        let text = ffi::lua_tolstring(l, 3, &mut len);
        let text = std::slice::from_raw_parts(text.cast::<u8>(), len);
        let mut rest = text;
        while let Some(at) = memchr::memchr(b'%', rest) {
            ffi::luaL_addlstring(b, rest.as_ptr().cast(), at);
            let c = rest.get(at + 1).copied().unwrap_or(0);
            if c == b'%' {
                ffi::luaL_addchar(b, b'%' as std::ffi::c_char);
            } else if c == b'0' {
                ffi::luaL_addlstring(b, src[s..].as_ptr().cast(), e - s);
            } else if c.is_ascii_digit() {
                ffi::luaL_checkstack(l, 1, c"too many captures".as_ptr());
                push_capture(l, m, src, usize::from(c - b'1'), s, e);
                ffi::luaL_addvalue(b);
            } else {
                ffi::luaL_error(
                    l,
                    c"invalid use of '%c' in replacement string".as_ptr(),
                    c_int::from(b'%'),
                );
                unreachable!("luaL_error returns no more")
            }
            rest = &rest[(at + 2).min(rest.len())..];
        }
        ffi::luaL_addlstring(b, rest.as_ptr().cast(), rest.len());
    }
}

#[cfg(test)]
mod tests {
    use super::ffi;
    use crate::vm::lua::Lua;

    /// Runs `script` in a state with Lua's own string library as `string` and this
    /// runtime's (`string_args.rs`, through these functions) as `ours`; panics with the
    /// script's error.
    fn run(script: &str) {
        // SAFETY: a fresh state used by this thread only, closed at the end; the chunk
        // and its error are read while they are on the stack.
        unsafe {
            let l = ffi::luaL_newstate();
            ffi::luaL_openlibs(l);
            ffi::lua_pushcfunction(l, ffi::luaopen_string);
            ffi::lua_call(l, 0, 1);
            crate::vm::string_args::install(Lua::from_raw(l), -1);
            ffi::lua_setglobal(l, c"ours".as_ptr());
            let chunk = std::ffi::CString::new(script).unwrap();
            let status = if ffi::luaL_loadstring(l, chunk.as_ptr()) == ffi::LUA_OK {
                ffi::lua_pcall(l, 0, 0, 0)
            } else {
                ffi::LUA_ERRSYNTAX
            };
            let error = (status != ffi::LUA_OK).then(|| {
                let mut len = 0;
                let p = ffi::lua_tolstring(l, -1, &mut len);
                String::from_utf8_lossy(std::slice::from_raw_parts(p.cast::<u8>(), len))
                    .into_owned()
            });
            ffi::lua_close(l);
            if let Some(error) = error {
                panic!("{error}");
            }
        }
    }

    #[test]
    fn find_match_gmatch_and_gsub_answer_as_the_library_on_random_patterns() {
        run(r#"
local pieces = { "a", "b", "c", "x", ".", "%a", "%d", "%s", "%w", "%A", "%p", "[ab]", "[^a]",
  "[a-c]", "[%a_]", "[]]", "[^]a]", "(", ")", "()", "*", "+", "-", "?", "^", "$", "%b()",
  "%bab", "%f[%w]", "%f[%W]", "%f", "%1", "%2", "%0", "%", "[", "]", "%%", "%.", "%-", "",
  "%z", "%Z", "[%z]", "%f[%z]", "%c", "%g", "%l", "%u", "%x", "%S", "%D", "[^%z%s]" }
local chars = { "a", "b", "c", "(", ")", " ", "1", "2", "x", "-", ".", "%", "]", "\0", "\t",
  "\v", "A", "Z", "_", "\200" }
local inits = { false, 1, 2, -1, -3, 0, 100, -100 }
local repls = { "<%0>", "%1%1", "x%%", "%2", "%", "%z", "", 7, 2.5,
  { a = "A", ["("] = false, b = 3 },
  function(c, d) if c == "a" then return nil elseif c == "b" then return false end
    return tostring(c) .. tostring(d) end,
  function() return {} end }
local counts = { false, 0, 1, 2, -1 }
math.randomseed(42)
local function pattern()
  local t = {}
  for i = 1, math.random(1, 6) do t[i] = pieces[math.random(#pieces)] end
  return table.concat(t)
end
local function subject()
  local t = {}
  for i = 1, math.random(0, 12) do t[i] = chars[math.random(#chars)] end
  return table.concat(t)
end
local function opt(list)
  local v = list[math.random(#list)]
  if v == false then return nil end
  return v
end
local function result(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = type(t[i]) == "string" and string.format("%q", t[i]) or tostring(t[i]) end
  return table.concat(t, ", ", 1, t.n)
end
local function collect(lib, s, p, init)
  local out, k = {}, 0
  for a, b, c in lib.gmatch(s, p, init) do
    k = k + 1
    out[k] = result(a, b, c)
    if k > 40 then break end
  end
  return table.concat(out, "; ")
end
local calls = 0
for _ = 1, 30000 do
  local s, p, init = subject(), pattern(), opt(inits)
  for _, name in ipairs({ "find", "match" }) do
    local want, got = result(pcall(string[name], s, p, init)), result(pcall(ours[name], s, p, init))
    if want ~= got then
      error(string.format("%s(%q, %q, %s): library %s, ours %s", name, s, p, tostring(init), want, got))
    end
  end
  local want, got = result(pcall(collect, string, s, p, init)), result(pcall(collect, ours, s, p, init))
  if want ~= got then
    error(string.format("gmatch(%q, %q, %s): library %s, ours %s", s, p, tostring(init), want, got))
  end
  local repl, n = repls[math.random(#repls)], opt(counts)
  want, got = result(pcall(string.gsub, s, p, repl, n)), result(pcall(ours.gsub, s, p, repl, n))
  if want ~= got then
    error(string.format("gsub(%q, %q, %s, %s): library %s, ours %s", s, p, tostring(repl),
      tostring(n), want, got))
  end
  calls = calls + 4
end
assert(calls == 120000)
"#);
    }

    #[test]
    fn larger_subjects_and_the_manuals_examples_answer_as_the_library() {
        run(r#"
local cases = {
  { "gsub", "hello world", "(%w+)", "%1 %1" },
  { "gsub", "hello world", "%w+", "%0 %0", 1 },
  { "gsub", "hello world from Lua", "(%w+)%s*(%w+)", "%2 %1" },
  { "gsub", "$name is $value", "%$(%w+)", { name = "x", value = 1 } },
  { "gsub", "abc", "", "-" },
  { "gsub", "abc", "^", ">" },
  { "gsub", "THE (quick) fox", "%f[%a]%a+", "W" },
  { "gsub", "f(a(b)c) g(d)", "%b()", "[]" },
  { "find", string.rep("ab", 2000) .. "c", "(ab)*c" },
  { "find", string.rep("a", 5000), "a-$" },
  { "match", "key = value", "(%w+)%s*=%s*(%w+)" },
  { "match", "2024-01-02", "(%d+)-(%d+)-(%d+)" },
  { "match", "  trim  ", "^%s*(.-)%s*$" },
  { "match", "x", "()x()" },
  { "gsub", "abc", "()", "%1" },
}
for i, c in ipairs(cases) do
  local name = c[1]
  local want = table.pack(pcall(string[name], table.unpack(c, 2)))
  local got = table.pack(pcall(ours[name], table.unpack(c, 2)))
  assert(want.n == got.n, "case " .. i .. ": count")
  for k = 1, want.n do
    assert(want[k] == got[k], "case " .. i .. ": " .. tostring(want[k]) .. " vs " .. tostring(got[k]))
  end
end
"#);
    }
}
