//! `table.insert`, `table.remove` and `table.move` with loops that cannot hold a worker.
//!
//! `ltablib.c`'s versions loop inside one C call, where the count hook that preempts and
//! stops a process never runs (it runs between Lua instructions only), and the count is
//! the script's: `table.move({}, 1, math.maxinteger, 1, {})` moves 2^63 nils, and a
//! `__len` that answers `math.maxinteger` makes `insert` or `remove` shift as many
//! items. Nothing is allocated, so the memory limit does not end it either: the process
//! ran until the node stopped, `process.terminate` had no effect, and two of them took
//! both workers of a host.
//!
//! The replacements here do what `ltablib.c` does (same checks, errors, reads and writes
//! in the same order, so the same metamethods run), and every
//! [`CHECK_EVERY`](super::pattern::CHECK_EVERY) items ask whether the process has run
//! [`UNPREEMPTIBLE_LIMIT`](super::preempt::UNPREEMPTIBLE_LIMIT) past its slice; then it
//! is stopped as a callback that cannot yield is stopped (`preempt.rs`). A call that
//! cannot loop long (`insert` and `remove` on a table without a metatable, whose length
//! is its real border; `move` of fewer than `CHECK_EVERY` items) runs the library's own
//! function, read from the first library opened ([`ORIGINALS`]).
//!
//! Like the library's, these are raw C functions over the Lua stack that own no Rust
//! value that needs dropping: a Lua error (a bad argument, an error in a metamethod)
//! may jump over them.

use super::lua::Lua;
use super::pattern::CHECK_EVERY;
use super::preempt::{raise_stop, stuck_in_c_function};
use mlua::ffi;
use std::ffi::{CStr, c_int};
use std::sync::OnceLock;

/// The functions replaced, by index into [`ORIGINALS`] and [`REPLACEMENTS`].
const NAMES: [&CStr; 3] = [c"insert", c"remove", c"move"];

/// The table library's own functions, read from the first library opened.
static ORIGINALS: OnceLock<[Option<ffi::lua_CFunction>; 3]> = OnceLock::new();

/// The replacement of each function of [`NAMES`].
const REPLACEMENTS: [ffi::lua_CFunction; 3] = [insert, remove, move_items];

/// What a table argument must allow, as `ltablib.c`'s `TAB_R`, `TAB_W` and `TAB_L`.
const READ: u8 = 1;
const WRITE: u8 = 2;
const LENGTH: u8 = 4;

/// Replaces `insert`, `remove` and `move` of the table library at `lib` (as
/// `luaopen_table` made it). Needs room for one value.
pub(crate) fn install(lua: Lua, lib: c_int) {
    let lib = lua.abs(lib);
    let mut found = [None; 3];
    for (slot, name) in found.iter_mut().zip(NAMES) {
        lua.get_field(lib, name);
        // SAFETY: live state; a value on top (`lua_tocfunction` converts nothing).
        *slot = unsafe { ffi::lua_tocfunction(lua.raw(), -1) };
        lua.pop(1);
    }
    let originals = ORIGINALS.get_or_init(|| found);
    for (i, name) in NAMES.iter().enumerate() {
        if originals[i].is_some() {
            lua.push_fn(REPLACEMENTS[i]);
            lua.set_field(lib, name);
        }
    }
}

/// Runs the library's own function `index` of [`NAMES`].
///
/// # Safety
///
/// Called from one of the replacements, with its arguments as Lua passed them.
unsafe fn original(l: *mut ffi::lua_State, index: usize) -> c_int {
    // SAFETY: as this function's contract.
    unsafe {
        match ORIGINALS.get().and_then(|originals| originals[index]) {
            Some(f) => f(l),
            None => ffi::luaL_error(
                l,
                c"internal error (bug): a table function lost its original".as_ptr(),
            ),
        }
    }
}

/// Whether the value at `arg` is a table without a metatable, whose length is its own
/// border (bounded by the memory it holds).
///
/// # Safety
///
/// `l` is live with room for one value.
unsafe fn plain_table(l: *mut ffi::lua_State, arg: c_int) -> bool {
    // SAFETY: as this function's contract; the metatable, if pushed, is popped.
    unsafe {
        if ffi::lua_type(l, arg) != ffi::LUA_TTABLE {
            return false;
        }
        if ffi::lua_getmetatable(l, arg) != 0 {
            ffi::lua_settop(l, -2);
            return false;
        }
        true
    }
}

/// `ltablib.c`'s `checktab`: the value at `arg` is a table, or has a metatable with the
/// metamethods that `what` needs; otherwise the library's "table expected" error.
///
/// # Safety
///
/// `l` is live, inside a C function called by Lua (the error jumps).
unsafe fn check_table(l: *mut ffi::lua_State, arg: c_int, what: u8) {
    // SAFETY: as this function's contract; what is pushed here is popped here.
    unsafe {
        if ffi::lua_type(l, arg) == ffi::LUA_TTABLE {
            return;
        }
        let mut pushed = 1;
        let mut has = |name: &CStr| {
            ffi::lua_pushstring(l, name.as_ptr());
            let kind = ffi::lua_rawget(l, -1 - pushed);
            pushed += 1;
            kind != ffi::LUA_TNIL
        };
        if ffi::lua_getmetatable(l, arg) != 0
            && (what & READ == 0 || has(c"__index"))
            && (what & WRITE == 0 || has(c"__newindex"))
            && (what & LENGTH == 0 || has(c"__len"))
        {
            ffi::lua_settop(l, -1 - pushed);
        } else {
            ffi::luaL_checktype(l, arg, ffi::LUA_TTABLE);
        }
    }
}

/// Stops the process if it has run too long past its slice in this call (see the
/// module docs); called every [`CHECK_EVERY`] items.
///
/// # Safety
///
/// `l` is the running thread, inside one of the replacements.
unsafe fn check_in(l: *mut ffi::lua_State, items: u64) {
    if items % u64::from(CHECK_EVERY) == 0 {
        // SAFETY: as this function's contract: no Rust value to drop is on the way out.
        unsafe {
            if stuck_in_c_function(l) {
                raise_stop(l);
            }
        }
    }
}

/// `table.insert(t, [pos,] v)`, as `ltablib.c`'s `tinsert`.
unsafe extern "C-unwind" fn insert(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua with its arguments and room for LUA_MINSTACK values.
    unsafe {
        if plain_table(l, 1) {
            return original(l, 0);
        }
        check_table(l, 1, READ | WRITE | LENGTH);
        let end = ffi::luaL_len(l, 1).wrapping_add(1);
        let position = match ffi::lua_gettop(l) {
            2 => end,
            3 => {
                let position = ffi::luaL_checkinteger(l, 2);
                // `position` in [1, end], compared unsigned as the library does.
                #[allow(clippy::cast_sign_loss)]
                if (position as u64).wrapping_sub(1) >= end as u64 {
                    return ffi::luaL_argerror(l, 2, c"position out of bounds".as_ptr());
                }
                let mut i = end;
                let mut items = 0_u64;
                while i > position {
                    ffi::lua_geti(l, 1, i - 1);
                    ffi::lua_seti(l, 1, i);
                    i -= 1;
                    items += 1;
                    check_in(l, items);
                }
                position
            }
            _ => return ffi::luaL_error(l, c"wrong number of arguments to 'insert'".as_ptr()),
        };
        ffi::lua_seti(l, 1, position);
        0
    }
}

/// `table.remove(t [, pos])`, as `ltablib.c`'s `tremove`.
unsafe extern "C-unwind" fn remove(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua with its arguments and room for LUA_MINSTACK values.
    unsafe {
        if plain_table(l, 1) {
            return original(l, 1);
        }
        check_table(l, 1, READ | WRITE | LENGTH);
        let size = ffi::luaL_len(l, 1);
        let mut position = ffi::luaL_optinteger(l, 2, size);
        // A given position is in [1, size + 1], compared unsigned as the library does.
        #[allow(clippy::cast_sign_loss)]
        if position != size && (position as u64).wrapping_sub(1) > size as u64 {
            return ffi::luaL_argerror(l, 2, c"position out of bounds".as_ptr());
        }
        ffi::lua_geti(l, 1, position);
        let mut items = 0_u64;
        while position < size {
            ffi::lua_geti(l, 1, position + 1);
            ffi::lua_seti(l, 1, position);
            position += 1;
            items += 1;
            check_in(l, items);
        }
        ffi::lua_pushnil(l);
        ffi::lua_seti(l, 1, position);
        1
    }
}

/// `table.move(a1, f, e, t [, a2])`, as `ltablib.c`'s `tmove`.
unsafe extern "C-unwind" fn move_items(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua with its arguments and room for LUA_MINSTACK values.
    unsafe {
        let first = ffi::luaL_checkinteger(l, 2);
        let last = ffi::luaL_checkinteger(l, 3);
        let to = ffi::luaL_checkinteger(l, 4);
        let few = last < first
            || last
                .checked_sub(first)
                .is_some_and(|d| d < i64::from(CHECK_EVERY));
        if few {
            // Few items (or none): the library's own loop is short. Its argument checks
            // read the same arguments again, which converts nothing and calls nothing.
            return original(l, 2);
        }
        let target = if ffi::lua_type(l, 5) <= ffi::LUA_TNIL {
            1
        } else {
            5
        };
        check_table(l, 1, READ);
        check_table(l, target, WRITE);
        if !(first > 0 || last < i64::MAX.wrapping_add(first)) {
            return ffi::luaL_argerror(l, 3, c"too many elements to move".as_ptr());
        }
        let count = last - first + 1;
        if to > i64::MAX - count + 1 {
            return ffi::luaL_argerror(l, 4, c"destination wrap around".as_ptr());
        }
        let forward = to > last
            || to <= first
            || (target != 1 && ffi::lua_compare(l, 1, target, ffi::LUA_OPEQ) == 0);
        let mut items = 0_u64;
        for step in 0..count {
            let i = if forward { step } else { count - 1 - step };
            ffi::lua_geti(l, 1, first + i);
            ffi::lua_seti(l, target, to + i);
            items += 1;
            check_in(l, items);
        }
        ffi::lua_pushvalue(l, target);
        1
    }
}
