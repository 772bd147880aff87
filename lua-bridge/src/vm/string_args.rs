//! The string library's functions take error values where they take strings.
//!
//! The original runtime's Lua converts its error objects to text wherever a string is
//! expected: its own tests do `string.find(err, "not found")` on the error of a send to
//! a dead process. Lua 5.4's `luaL_checklstring` converts only numbers, so each function
//! of a VM's pristine string library (`string_view.rs`) is replaced by a light C function
//! that turns error-value arguments into their text (what `tostring(err)` gives) and then
//! runs the library's own function on the same arguments. Light C functions have no
//! upvalues, so a VM allocates nothing for this; which function each one runs comes from
//! [`ORIGINALS`], the same static C functions of `lstrlib.c` for every VM.
//!
//! Only error values are converted: any other argument reaches the library as the script
//! passed it, with the library's own errors.
//!
//! `string.find`'s plain searches (`plain` true, or a pattern without special
//! characters) are done here in linear time ([`plain_find`]): `lstrlib.c` compares the
//! pattern at every place its first byte occurs, which for a 5 MB pattern in 10 MB of
//! text runs for hours inside one C call, where no preemption reaches (the count hook
//! runs between Lua instructions only). The pattern searches of `find`, `match`,
//! `gmatch` and `gsub` run on a matcher that can be stopped (`string_match.rs`).

use super::lua::Lua;
use mlua::ffi;
use std::ffi::{CStr, c_int};
use std::sync::OnceLock;

/// The functions replaced, by index into [`ORIGINALS`] and [`WRAPPED`].
const NAMES: [&CStr; 16] = [
    c"byte",
    c"char",
    c"find",
    c"format",
    c"gmatch",
    c"gsub",
    c"len",
    c"lower",
    c"match",
    c"rep",
    c"reverse",
    c"sub",
    c"upper",
    c"pack",
    c"packsize",
    c"unpack",
];

/// The indexes in [`NAMES`] of the functions that match patterns, which run on the
/// matcher of `pattern.rs` (`string_match.rs`) when their arguments need no conversion.
const FIND: usize = 2;
const GMATCH: usize = 4;
const GSUB: usize = 5;
const MATCH: usize = 8;
const REP: usize = 9;

/// The string library's own functions, read from the first library opened.
static ORIGINALS: OnceLock<[Option<ffi::lua_CFunction>; 16]> = OnceLock::new();

/// The replacement of each function of [`NAMES`].
const WRAPPED: [ffi::lua_CFunction; 16] = [
    with_error_text::<0>,
    with_error_text::<1>,
    with_error_text::<2>,
    with_error_text::<3>,
    with_error_text::<4>,
    with_error_text::<5>,
    with_error_text::<6>,
    with_error_text::<7>,
    with_error_text::<8>,
    with_error_text::<9>,
    with_error_text::<10>,
    with_error_text::<11>,
    with_error_text::<12>,
    with_error_text::<13>,
    with_error_text::<14>,
    with_error_text::<15>,
];

/// Replaces the functions of the string library at `lib` (as `luaopen_string` made it) by
/// their error-converting versions. Needs room for one value.
pub(crate) fn install(lua: Lua, lib: c_int) {
    let lib = lua.abs(lib);
    let mut found = [None; 16];
    for (slot, name) in found.iter_mut().zip(NAMES) {
        lua.get_field(lib, name);
        // SAFETY: live state; a value on top (`lua_tocfunction` converts nothing).
        *slot = unsafe { ffi::lua_tocfunction(lua.raw(), -1) };
        lua.pop(1);
    }
    let originals = ORIGINALS.get_or_init(|| found);
    for (i, name) in NAMES.iter().enumerate() {
        let same = |a: Option<ffi::lua_CFunction>, b: Option<ffi::lua_CFunction>| {
            a.map(|f| f as usize) == b.map(|f| f as usize)
        };
        if originals[i].is_some() && same(originals[i], found[i]) {
            lua.push_fn(WRAPPED[i]);
            lua.set_field(lib, name);
        }
    }
}

/// Runs the library's function `I` of [`NAMES`] with every error-value argument replaced
/// by its text.
unsafe extern "C-unwind" fn with_error_text<const I: usize>(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua with its arguments and room for LUA_MINSTACK values; this
    // frame owns no Rust values, so an error raised by `__tostring` or by the library
    // function may jump over it. `luaL_tolstring` pushes one value, which replaces the
    // argument.
    unsafe {
        let lua = Lua::from_raw(l);
        for arg in 1..=ffi::lua_gettop(l) {
            if ffi::lua_type(l, arg) == ffi::LUA_TUSERDATA
                && crate::modules::errors::is_error(lua, arg)
            {
                ffi::luaL_tolstring(l, arg, std::ptr::null_mut());
                ffi::lua_replace(l, arg);
            }
        }
        let ours = match I {
            FIND => plain_find(l).or_else(|| super::string_match::find(l, true)),
            MATCH => super::string_match::find(l, false),
            REP => rep_of_nothing(l),
            GMATCH => super::string_match::gmatch(l),
            GSUB => super::string_match::gsub(l),
            _ => None,
        };
        if let Some(results) = ours {
            return results;
        }
        match ORIGINALS.get().and_then(|originals| originals[I]) {
            Some(original) => original(l),
            None => ffi::luaL_error(
                l,
                c"internal error (bug): a string function lost its original".as_ptr(),
            ),
        }
    }
}

/// `string.rep("", n)` (and with an empty separator): `""` without the library's loop,
/// which copies nothing `n` times inside one C call, where no preemption reaches and
/// the memory limit never comes: `string.rep("", math.maxinteger)` held a worker for
/// good. `None` leaves any other call to the library, whose result it allocates before
/// its loop, so that the memory limit bounds the loop.
///
/// # Safety
///
/// `l` is live, with the call's arguments.
unsafe fn rep_of_nothing(l: *mut ffi::lua_State) -> Option<c_int> {
    // SAFETY: as this function's contract; reads arguments, pushes one string.
    unsafe {
        let mut length = 0;
        if ffi::lua_type(l, 1) != ffi::LUA_TSTRING {
            return None;
        }
        ffi::lua_tolstring(l, 1, &mut length);
        match ffi::lua_type(l, 3) {
            ffi::LUA_TNONE | ffi::LUA_TNIL => {}
            ffi::LUA_TSTRING => {
                let mut separator = 0;
                ffi::lua_tolstring(l, 3, &mut separator);
                length += separator;
            }
            _ => return None,
        }
        let mut is_integer = 0;
        ffi::lua_tointegerx(l, 2, &mut is_integer);
        if length != 0 || is_integer == 0 {
            return None;
        }
        ffi::lua_pushstring(l, c"".as_ptr());
        Some(1)
    }
}

/// `string.find(s, pattern [, init [, plain]])` when it is a plain search of a string in
/// a string, as `lstrlib.c`'s `str_find_aux` does it (same positions, `init` read the
/// same way) but in linear time; `None` leaves the call to the library (a pattern
/// search, arguments that need converting or checking).
///
/// # Safety
///
/// `l` is the live state of a C function call, with room for two values.
unsafe fn plain_find(l: *mut ffi::lua_State) -> Option<c_int> {
    // SAFETY: the caller's live state; only values of the call's frame are read.
    unsafe {
        if ffi::lua_type(l, 1) != ffi::LUA_TSTRING || ffi::lua_type(l, 2) != ffi::LUA_TSTRING {
            return None;
        }
        let init = match ffi::lua_type(l, 3) {
            ffi::LUA_TNONE | ffi::LUA_TNIL => 1,
            ffi::LUA_TNUMBER if ffi::lua_isinteger(l, 3) != 0 => ffi::lua_tointeger(l, 3),
            _ => return None,
        };
        let mut len = 0;
        let s = ffi::lua_tolstring(l, 1, &mut len);
        let text = std::slice::from_raw_parts(s.cast::<u8>(), len);
        let p = ffi::lua_tolstring(l, 2, &mut len);
        let pattern = std::slice::from_raw_parts(p.cast::<u8>(), len);
        if ffi::lua_toboolean(l, 4) == 0 && pattern.iter().any(|b| b"^$*+?.([%-".contains(b)) {
            return None;
        }
        let Some(start) = start_index(init, text.len()) else {
            ffi::lua_pushnil(l);
            return Some(1);
        };
        match memchr::memmem::find(&text[start..], pattern) {
            Some(at) => {
                let first = i64::try_from(start + at + 1).ok()?;
                let last = i64::try_from(start + at + pattern.len()).ok()?;
                ffi::lua_pushinteger(l, first);
                ffi::lua_pushinteger(l, last);
                Some(2)
            }
            None => {
                ffi::lua_pushnil(l);
                Some(1)
            }
        }
    }
}

/// The 0-based index a search from Lua position `init` starts at in a string of `len`
/// bytes (`lstrlib.c`'s `posrelatI`, minus one); `None` when it starts past the end.
pub(crate) fn start_index(init: i64, len: usize) -> Option<usize> {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let pos = if init > 0 {
        init
    } else if init == 0 || init < -len_i {
        1
    } else {
        len_i + init + 1
    };
    let start = usize::try_from(pos - 1).ok()?;
    (start <= len).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::start_index;

    #[test]
    fn a_search_starts_where_lstrlib_starts_it() {
        assert_eq!(start_index(1, 5), Some(0));
        assert_eq!(start_index(0, 5), Some(0));
        assert_eq!(start_index(3, 5), Some(2));
        assert_eq!(start_index(6, 5), Some(5));
        assert_eq!(start_index(7, 5), None);
        assert_eq!(start_index(-1, 5), Some(4));
        assert_eq!(start_index(-5, 5), Some(0));
        assert_eq!(start_index(-6, 5), Some(0));
        assert_eq!(start_index(i64::MIN, 5), Some(0));
        assert_eq!(start_index(i64::MAX, 5), None);
        assert_eq!(start_index(1, 0), Some(0));
    }
}
