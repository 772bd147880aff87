//! The `string` library a process sees: a view of the VM's pristine library.
//!
//! Copying the library into every process that touches `string` (16 functions into a
//! new hash table, then collecting it) was about a tenth of the cost of a short process
//! such as the echo tutorial's worker. Instead a process gets an empty table, the *view*,
//! whose metatable reads missing keys from the pristine library. The pristine library
//! and the views' metatable are made once per VM and kept across the processes that
//! reuse it, under a light-userdata key of the registry (so the scrub keeps them, see
//! `setup::reset`); a process that settles to wait long drops them ([`forget`]). A read
//! costs one more table lookup; nothing is copied.
//!
//! The view cannot be told from the plain copy it stands for. Whatever could tell the
//! difference first *materialises* it — copies the library in and removes the
//! metatable, leaving exactly the table a copy would have been:
//! - a write of a missing key (`__newindex`), and `pairs` (`__pairs`);
//! - `next`, `rawget`, `rawset`, `getmetatable` and `setmetatable` given the view
//!   ([`guard_base`] wraps the first four, and `pairs`, which also materialise the
//!   globals table, see `setup::materialize_globals`; `setup::setmetatable` calls
//!   [`materialize`]).
//!
//! Neither the pristine library nor the metatable is ever handed to Lua code, so no
//! process can change what the next one in the same VM sees. Payload conversion reads
//! tables raw and finds the view empty, as it would find the copy: functions have no
//! payload form.
//!
//! Until a process touches `string`, strings have a *lazy* metatable ([`install`]): its
//! `__index` opens the view on the first method call. Once it is open, strings have the
//! VM's *shared* metatable, whose `__index` [`open`] points at the process's view (one
//! store, no table made per process). Both carry the arithmetic metamethods of numeric
//! strings (`string_arith.rs`), and, like the views' metatable, both are the VM's and
//! never handed to a script: `getmetatable` given a string opens the view first, then
//! gives strings a metatable of the process's own, a copy ([`own_strings_metatable`]),
//! so a script sees `getmetatable("").__index == string` and what it does to that table
//! dies with the process. The shared one keeps the last view it pointed at until the
//! next `open` (an empty table no script can reach).
//!
//! Both metatables bear a mark (a field under their light-userdata key), which is how
//! the guards know them, also after [`forget`] dropped the registry's copies.
//!
//! Everything here runs on the process's own thread, inside Lua calls. The raw C
//! functions below own no Rust values, so a Lua error (a bad argument, memory) may jump
//! over them.

use super::lua::{CFn, LResult, Lua, cfn};
use mlua::ffi;
use std::ffi::{CStr, c_int, c_void};

/// The registry key of the views' metatable, and its mark (its address).
static VIEW_META: u8 = 0;
/// The registry key of the strings' lazy metatable, and its mark.
static LAZY_META: u8 = 0;
/// The registry key of the strings' shared metatable, and its mark.
static SHARED_META: u8 = 0;

fn meta_key() -> *const c_void {
    std::ptr::from_ref(&VIEW_META).cast::<c_void>()
}

fn lazy_key() -> *const c_void {
    std::ptr::from_ref(&LAZY_META).cast::<c_void>()
}

fn shared_key() -> *const c_void {
    std::ptr::from_ref(&SHARED_META).cast::<c_void>()
}

/// Marks the table on top as one of ours made for `key`: the light-userdata key no script
/// can make (so no script can forge the mark, and no script ever gets the table).
fn mark(lua: Lua, key: *const c_void) {
    lua.push_bool(true);
    // SAFETY: live state in protected mode; the table at -2, the value on top.
    unsafe { ffi::lua_rawsetp(lua.raw(), -2, key) };
}

/// `true` if the table at `idx` bears the mark of `key` (see [`mark`]).
///
/// # Safety
///
/// `l` is a live thread with a table at `idx` and room for one value.
unsafe fn marked(l: *mut ffi::lua_State, idx: c_int, key: *const c_void) -> bool {
    // SAFETY: guaranteed by the caller; a raw read.
    unsafe {
        let found = ffi::lua_rawgetp(l, idx, key) != ffi::LUA_TNIL;
        ffi::lua_settop(l, -2);
        found
    }
}

/// Pushes the metatable of the value at `idx` and returns `true` when it bears the mark
/// of `key`; otherwise leaves the stack as it was and returns `false`.
///
/// # Safety
///
/// `l` is a live thread with room for two values; `idx` is an absolute index.
unsafe fn push_marked_metatable(l: *mut ffi::lua_State, idx: c_int, key: *const c_void) -> bool {
    // SAFETY: guaranteed by the caller; raw reads only.
    unsafe {
        if ffi::lua_getmetatable(l, idx) == 0 {
            return false;
        }
        if !marked(l, -1, key) {
            ffi::lua_settop(l, -2);
            return false;
        }
        true
    }
}

/// Gives strings the lazy metatable, `{__index = lazy_string}` (for a new process).
/// The VM makes it once and keeps it: no script ever gets it, because `getmetatable`
/// given a string opens the library first, which replaces it.
pub(crate) fn install(lua: Lua) {
    lua.push_str("");
    // SAFETY: live state in protected mode; a raw read of the registry.
    if unsafe { ffi::lua_rawgetp(lua.raw(), ffi::LUA_REGISTRYINDEX, lazy_key()) } != ffi::LUA_TTABLE
    {
        lua.pop(1);
        lua.new_table(0, 2 + super::string_arith::FIELDS);
        lua.push_fn(cfn(lazy_string));
        lua.set_field(-2, c"__index");
        super::string_arith::install(lua, -1);
        mark(lua, lazy_key());
        lua.push_value(-1);
        // SAFETY: live state in protected mode; the registry takes the copy on top.
        unsafe { ffi::lua_rawsetp(lua.raw(), ffi::LUA_REGISTRYINDEX, lazy_key()) };
    }
    // SAFETY: a string at -2, the metatable on top (sets the metatable of all strings).
    unsafe { ffi::lua_setmetatable(lua.raw(), -2) };
    lua.pop(1);
}

/// `__index` of strings until `string` is opened: opens it (also as the global `string`
/// unless the script assigned that), then answers from it.
fn lazy_string(lua: Lua) -> LResult<c_int> {
    lua.ensure(6)?;
    open(lua);
    push_globals(lua);
    lua.push_cstr(c"string");
    // SAFETY: the globals table at -2, the key on top; a raw read runs no Lua code.
    if unsafe { ffi::lua_rawget(lua.raw(), -2) } == ffi::LUA_TNIL {
        lua.pop(1);
        lua.push_cstr(c"string");
        lua.push_value(-3);
        // SAFETY: globals at -3, key and value on top.
        unsafe { ffi::lua_rawset(lua.raw(), -3) };
    }
    lua.pop(2);
    lua.push_value(2);
    // SAFETY: a new view at -2 (its metatable reads the pristine table, so no Lua code
    // runs), the key on top.
    unsafe { ffi::lua_gettable(lua.raw(), -2) };
    Ok(1)
}

fn push_globals(lua: Lua) {
    // SAFETY: live state; pushes the globals table.
    unsafe { ffi::lua_rawgeti(lua.raw(), ffi::LUA_REGISTRYINDEX, ffi::LUA_RIDX_GLOBALS) };
}

/// The base functions that read a table raw, wrapped by [`guard_base`].
const GUARDED: [&CStr; 5] = [c"next", c"rawget", c"rawset", c"getmetatable", c"pairs"];

/// Pushes a new view of the string library, made the strings' `__index` too (the
/// pristine library, without `dump`, and the metatable are made on the VM's first use).
///
/// Runs inside a Lua call with room for four values.
pub(crate) fn open(lua: Lua) {
    // SAFETY: live state in protected mode; raw reads and writes of the registry and of
    // tables made here; `luaopen_string` takes no arguments and returns the library.
    unsafe {
        if ffi::lua_rawgetp(lua.raw(), ffi::LUA_REGISTRYINDEX, meta_key()) != ffi::LUA_TTABLE {
            lua.pop(1);
            lua.push_fn(ffi::luaopen_string);
            ffi::lua_callk(lua.raw(), 0, 1, 0, None);
            lua.push_nil();
            lua.set_field(-2, c"dump");
            super::string_args::install(lua, -1);
            lua.new_table(0, 5);
            lua.insert(-2);
            lua.set_field(-2, c"__index");
            lua.push_fn(view_newindex as CFn);
            lua.set_field(-2, c"__newindex");
            lua.push_fn(view_pairs as CFn);
            lua.set_field(-2, c"__pairs");
            // `string(x)`, the dialect's type check (`modules/casts.rs`).
            lua.push_fn(cfn(crate::modules::casts::string_call));
            lua.set_field(-2, c"__call");
            mark(lua, meta_key());
            lua.push_value(-1);
            ffi::lua_rawsetp(lua.raw(), ffi::LUA_REGISTRYINDEX, meta_key());
        }
        lua.new_table(0, 0);
        lua.insert(-2);
        ffi::lua_setmetatable(lua.raw(), -2);
        // The strings' metatable: the shared one (made at the VM's first use), its
        // `__index` now this view.
        if ffi::lua_rawgetp(lua.raw(), ffi::LUA_REGISTRYINDEX, shared_key()) != ffi::LUA_TTABLE {
            lua.pop(1);
            lua.new_table(0, 2 + super::string_arith::FIELDS);
            super::string_arith::install(lua, -1);
            mark(lua, shared_key());
            lua.push_value(-1);
            ffi::lua_rawsetp(lua.raw(), ffi::LUA_REGISTRYINDEX, shared_key());
        }
        lua.pop(1);
    }
    reopen(lua, -1);
}

/// `true` if the value at `idx` is an intact view made by [`open`] whose metatable is
/// still the VM's (not dropped by [`forget`]), and the strings' shared metatable is
/// still kept: the view can serve the next process in this VM (see `setup::reset`),
/// through [`reopen`]. An intact view is empty: whatever writes to it, or reads it raw,
/// materialises it first, which removes its metatable.
pub(crate) fn is_reusable_view(lua: Lua, idx: c_int) -> bool {
    let idx = lua.abs(idx);
    if lua.kind(idx) != ffi::LUA_TTABLE {
        return false;
    }
    // SAFETY: live state with room for the values read here; raw reads only.
    unsafe {
        if ffi::lua_getmetatable(lua.raw(), idx) == 0 {
            return false;
        }
        ffi::lua_rawgetp(lua.raw(), ffi::LUA_REGISTRYINDEX, meta_key());
        let ours = ffi::lua_rawequal(lua.raw(), -1, -2) != 0;
        let shared =
            ffi::lua_rawgetp(lua.raw(), ffi::LUA_REGISTRYINDEX, shared_key()) == ffi::LUA_TTABLE;
        lua.pop(3);
        ours && shared
    }
}

/// Makes the view at `idx` the strings' `__index`, through their shared metatable,
/// which the registry holds: a new view ([`open`], which makes the shared metatable at
/// the VM's first use), or a kept one that [`is_reusable_view`] accepted.
///
/// Runs inside a Lua call with room for three values.
pub(crate) fn reopen(lua: Lua, idx: c_int) {
    let idx = lua.abs(idx);
    // SAFETY: live state in protected mode; raw reads of the registry and setting the
    // strings' metatable run no Lua code; the registry holds the shared metatable (see
    // above).
    unsafe {
        lua.push_str("");
        ffi::lua_rawgetp(lua.raw(), ffi::LUA_REGISTRYINDEX, shared_key());
        lua.push_value(idx);
        lua.set_field(-2, c"__index");
        ffi::lua_setmetatable(lua.raw(), -2);
        lua.pop(1);
    }
}

/// Gives strings a metatable of the process's own when they have the shared one: a
/// copy (`__index`, the arithmetic metamethods), for a script about to get it from
/// `getmetatable`.
///
/// # Safety
///
/// `l` is the live thread of a running Lua call with a string at `idx` and room for
/// four values.
unsafe fn own_strings_metatable(l: *mut ffi::lua_State, idx: c_int) {
    // SAFETY: guaranteed by the caller; raw reads and writes of tables made here or of
    // ours, and setting the metatable of strings, run no Lua code.
    unsafe {
        let idx = ffi::lua_absindex(l, idx);
        if !push_marked_metatable(l, idx, shared_key()) {
            return;
        }
        // SAFETY: the running thread.
        let lua = Lua::from_raw(l);
        lua.new_table(0, 1 + super::string_arith::FIELDS);
        ffi::lua_pushstring(l, c"__index".as_ptr());
        ffi::lua_rawget(l, -3);
        lua.set_field(-2, c"__index");
        super::string_arith::install(lua, -1);
        ffi::lua_setmetatable(l, idx);
        ffi::lua_settop(l, -2);
    }
}

/// Drops the pristine library and the metatables the VM keeps (the views of live
/// processes keep them alive until those end).
pub(crate) fn forget(lua: Lua) {
    for key in [meta_key(), lazy_key(), shared_key()] {
        lua.push_nil();
        // SAFETY: live state, not running; assigning nil to a registry key allocates
        // nothing and runs no Lua code.
        unsafe { ffi::lua_rawsetp(lua.raw(), ffi::LUA_REGISTRYINDEX, key) };
    }
}

/// Replaces the base functions in [`GUARDED`] (in the table at `globals`) with closures
/// that materialise a view passed as their first argument, then run the original.
pub(crate) fn guard_base(lua: Lua, globals: c_int) {
    let globals = lua.abs(globals);
    for name in GUARDED {
        lua.get_field(globals, name);
        // SAFETY: live state in protected mode; the original function on top becomes the
        // closure's upvalue.
        unsafe { ffi::lua_pushcclosure(lua.raw(), guarded, 1) };
        lua.set_field(globals, name);
    }
}

/// If the value at `idx` is a view, copies the pristine library into it and removes
/// its metatable.
pub(crate) fn materialize(lua: Lua, idx: c_int) {
    // SAFETY: `lua` is the live thread of the running call.
    unsafe { materialize_raw(lua.raw(), idx) }
}

/// See [`materialize`].
///
/// # Safety
///
/// `l` is the live thread of a running Lua call with room for four values.
unsafe fn materialize_raw(l: *mut ffi::lua_State, idx: c_int) {
    // SAFETY: guaranteed by the caller; only raw table accesses, which run no Lua code.
    unsafe {
        if ffi::lua_type(l, idx) != ffi::LUA_TTABLE {
            return;
        }
        let idx = ffi::lua_absindex(l, idx);
        if !push_marked_metatable(l, idx, meta_key()) {
            return;
        }
        ffi::lua_pushstring(l, c"__index".as_ptr());
        ffi::lua_rawget(l, -2);
        // Stack: metatable, library.
        ffi::lua_pushnil(l);
        while ffi::lua_next(l, -2) != 0 {
            // key, value -> key, key, value: `lua_rawset` pops the pair, the key stays
            // for `lua_next`.
            ffi::lua_pushvalue(l, -2);
            ffi::lua_rotate(l, -2, 1);
            ffi::lua_rawset(l, idx);
        }
        ffi::lua_settop(l, -3);
        ffi::lua_pushnil(l);
        ffi::lua_setmetatable(l, idx);
    }
}

/// `__newindex` of a view: materialises it, then assigns.
unsafe extern "C-unwind" fn view_newindex(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: Lua calls a metamethod with (view, key, value) and room for LUA_MINSTACK
    // values; `lua_rawset` raises for a nil or NaN key, as a plain assignment does.
    unsafe {
        ffi::lua_settop(l, 3);
        materialize_raw(l, 1);
        ffi::lua_rawset(l, 1);
    }
    0
}

/// `__pairs` of a view: materialises it, then iterates it as a plain table.
unsafe extern "C-unwind" fn view_pairs(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: Lua calls `__pairs` with the view as argument 1 and room for LUA_MINSTACK
    // values.
    unsafe {
        materialize_raw(l, 1);
        ffi::lua_pushcclosure(l, plain_next, 0);
        ffi::lua_pushvalue(l, 1);
        ffi::lua_pushnil(l);
    }
    3
}

/// `next(t, k)`, the iterator `view_pairs` returns.
unsafe extern "C-unwind" fn plain_next(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua (a generic `for`) with room for LUA_MINSTACK values;
    // `luaL_checktype` and `lua_next` raise for a bad table or key.
    unsafe {
        ffi::luaL_checktype(l, 1, ffi::LUA_TTABLE);
        ffi::lua_settop(l, 2);
        if ffi::lua_next(l, 1) != 0 {
            2
        } else {
            ffi::lua_pushnil(l);
            1
        }
    }
}

/// A guarded base function: materialises a view in argument 1 (or, given a string,
/// opens `string` if strings still have the lazy metatable), then calls the original
/// (upvalue 1) on the same arguments.
unsafe extern "C-unwind" fn guarded(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua with room for LUA_MINSTACK values; upvalue 1 is the C
    // function `guard_base` wrapped, which takes the arguments as Lua passed them and
    // raises its own errors. Indexing a string whose metatable is the lazy one runs
    // `lazy_string` (our function) and nothing else.
    unsafe {
        if ffi::lua_type(l, 1) == ffi::LUA_TSTRING && ffi::lua_getmetatable(l, 1) != 0 {
            let lazy = marked(l, -1, lazy_key());
            ffi::lua_settop(l, -2);
            if lazy {
                ffi::lua_getfield(l, 1, c"len".as_ptr());
                ffi::lua_settop(l, -2);
            }
            own_strings_metatable(l, 1);
        }
        materialize_raw(l, 1);
        super::setup::materialize_globals_at(l, 1);
        match ffi::lua_tocfunction(l, ffi::lua_upvalueindex(1)) {
            Some(original) => original(l),
            None => ffi::luaL_error(
                l,
                c"internal error (bug): a guarded function lost its original".as_ptr(),
            ),
        }
    }
}
