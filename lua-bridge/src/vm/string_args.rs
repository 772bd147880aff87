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
        match ORIGINALS.get().and_then(|originals| originals[I]) {
            Some(original) => original(l),
            None => ffi::luaL_error(
                l,
                c"internal error (bug): a string function lost its original".as_ptr(),
            ),
        }
    }
}
