//! What a process VM starts with, and what it gets on first use.
//!
//! A new VM holds almost nothing: the globals table gets a metatable whose `__index`
//! ([`lazy_global`]) builds a global the first time it is read — the base functions,
//! the standard libraries (`string`, `table`, `math`, `coroutine`, a clock-only
//! `os`), the always-present Wippy globals (`process`, `channel`, `errors`,
//! `payload`) and the dialect's type checks (`integer`, `number`, `boolean`, `any`,
//! `unknown`, `never`: `modules/casts.rs`) — and stores it, so later reads are plain
//! table hits. Strings get a
//! metatable whose `__index` opens the `string` library on the first method call. A
//! process pays only for what it touches.
//!
//! # The sandbox
//!
//! Nothing reaches outside the process unless a module grants it: `dofile`, `loadfile`,
//! `load`, `collectgarbage`, `rawlen`, `utf8` (reference §0), `string.dump`, `io`'s files, `os.execute` and the `debug` and
//! `package` libraries are absent; binary chunks cannot be loaded (`load` is absent);
//! `require` loads only what the entry's `modules:` and `imports:` list; `setmetatable`
//! refuses a `__gc` field (finalizers would run Lua code inside the runtime's own calls).

use super::field_names;
use super::lua::{LResult, Lua, Raise, cfn};
use super::state::{ProcState, state};
use crate::compile::{CompiledEntry, Compiler};
use crate::modules;
use mlua::ffi;
use std::ffi::c_int;
use std::sync::Arc;
use wippy_runtime::StripedCounter;
use wippy_runtime::registry::{EntryId, Versions};

/// What every VM of one runtime shares: the registry and the bytecode cache.
#[derive(Debug)]
pub struct LuaEnv {
    /// The runtime's registry versions: the current one is what processes are spawned
    /// from and the `registry` module reads.
    pub registry: Arc<Versions>,
    /// Compiled entries.
    pub compiler: Compiler,
    /// Per-process memory limit in bytes (0 = none).
    pub memory_limit: usize,
}

/// The registry key of the `require` cache: a light userdata (the address of a static),
/// so that reaching it interns no string (a C-string key costs a string lookup whenever
/// Lua's small C-string cache has lost it, which every reset would pay).
fn loaded_key() -> *const std::ffi::c_void {
    static LOADED: u8 = 0;
    std::ptr::from_ref(&LOADED).cast()
}

/// Base-library globals that stay out of the sandbox.
const REMOVED_GLOBALS: &[&str] = &["dofile", "loadfile", "load", "collectgarbage", "rawlen"];

/// What `require` gives from the globals whatever `modules:` lists: the runtime's
/// always-present modules, and Lua's libraries (the original's `require` reads `_G`).
const GLOBAL_MODULES: &[&str] = &[
    "channel",
    "process",
    "payload",
    "errors",
    "string",
    "table",
    "math",
    "os",
    "coroutine",
];

/// The names the base library defines (any of them opens it).
const BASE_NAMES: &[&[u8]] = &[
    b"assert",
    b"error",
    b"getmetatable",
    b"ipairs",
    b"next",
    b"pairs",
    b"pcall",
    b"print",
    b"rawequal",
    b"rawget",
    b"rawlen",
    b"rawset",
    b"select",
    b"setmetatable",
    b"tonumber",
    b"tostring",
    b"type",
    b"xpcall",
    b"_G",
    b"_VERSION",
    b"require",
    b"warn",
];

/// The names [`lazy_global`] builds besides the base library's and the modules an entry
/// lists.
const LAZY_NAMES: &[&[u8]] = &[
    b"string",
    b"table",
    b"math",
    b"coroutine",
    b"os",
    b"process",
    b"channel",
    b"errors",
    b"payload",
    b"package",
    b"integer",
    b"number",
    b"boolean",
    b"any",
    b"unknown",
    b"never",
    b"subscribe",
    b"unpack",
    b"unsubscribe",
];

/// Whether the value at `idx` is the globals table with its lazy metatable (the one
/// [`set_lazy_globals_metatable`] gives it, or a copy a script cannot make: its
/// `__index` is [`lazy_global`]).
fn is_lazy_globals(lua: Lua, idx: c_int) -> bool {
    if lua.kind(idx) != ffi::LUA_TTABLE {
        return false;
    }
    let idx = lua.abs(idx);
    push_globals(lua);
    // SAFETY: live state; raw reads and comparisons, which run no Lua code.
    unsafe {
        let globals = ffi::lua_rawequal(lua.raw(), idx, -1) != 0;
        lua.pop(1);
        if !globals || ffi::lua_getmetatable(lua.raw(), idx) == 0 {
            return false;
        }
        lua.push_cstr(c"__index");
        ffi::lua_rawget(lua.raw(), -2);
        let lazy = ffi::lua_tocfunction(lua.raw(), -1)
            .is_some_and(|f| f as usize == cfn(lazy_global) as usize);
        lua.pop(2);
        lazy
    }
}

/// If the value at `idx` is the globals table with its lazy metatable, builds every
/// global the metatable would build (the base library, Lua's and the runtime's
/// libraries, the modules the entry lists) and removes the metatable: `_G` becomes the
/// table the original's eager setup makes, for whatever could tell the difference
/// (`setmetatable`, as strict mode does, `getmetatable`, `rawget`, `rawset`, `next`
/// and `pairs` given `_G`).
pub(crate) fn materialize_globals(lua: Lua, idx: c_int) -> LResult<()> {
    if !is_lazy_globals(lua, idx) {
        return Ok(());
    }
    lua.ensure(6)?;
    open_base(lua)?;
    push_globals(lua);
    let globals = lua.top();
    for name in LAZY_NAMES {
        build_global(lua, globals, name)?;
    }
    let st = state(lua)?;
    let compiled = requiring_entry(lua, st);
    let listed = compiled
        .modules
        .iter()
        .map(String::as_bytes)
        .chain(compiled.imports.iter().map(|(alias, _)| alias.as_bytes()));
    for name in listed {
        build_global(lua, globals, name)?;
    }
    lua.push_nil();
    // SAFETY: live state; the globals table at `globals`, nil on top.
    unsafe { ffi::lua_setmetatable(lua.raw(), globals) };
    lua.pop(1);
    Ok(())
}

/// Builds global `name` through [`lazy_global`] (which stores it) unless the globals
/// table at `globals` has the name already, in a protected call, so that an error (a
/// listed module whose top level fails) comes back here.
fn build_global(lua: Lua, globals: c_int, name: &[u8]) -> LResult<()> {
    lua.push_bytes(name);
    // SAFETY: live state; the globals table at `globals`, the name on top.
    if unsafe { ffi::lua_rawget(lua.raw(), globals) } != ffi::LUA_TNIL {
        lua.pop(1);
        return Ok(());
    }
    lua.pop(1);
    lua.push_fn(cfn(lazy_global));
    lua.push_value(globals);
    lua.push_bytes(name);
    // SAFETY: the function and its two arguments on top.
    if unsafe { ffi::lua_pcallk(lua.raw(), 2, 0, 0, 0, None) } != ffi::LUA_OK {
        return Err(Raise::Top);
    }
    Ok(())
}

/// [`materialize_globals`] of argument 1 as a bound function, for [`materialize_globals_at`].
fn materialize_first_argument(lua: Lua) -> LResult<c_int> {
    materialize_globals(lua, 1)?;
    Ok(0)
}

/// [`materialize_globals`] for a raw C function (the guarded base functions of
/// `string_view.rs`): raises its error.
///
/// # Safety
///
/// `l` is the running thread, inside a C function whose frames own nothing (the error
/// jumps over them), with room for three values.
pub(crate) unsafe fn materialize_globals_at(l: *mut ffi::lua_State, idx: c_int) {
    // SAFETY: guaranteed by the caller.
    let lua = unsafe { Lua::from_raw(l) };
    if !is_lazy_globals(lua, idx) {
        return;
    }
    let idx = lua.abs(idx);
    lua.push_fn(cfn(materialize_first_argument));
    lua.push_value(idx);
    // SAFETY: the function and its argument on top; on an error, its value is on top
    // and `lua_error` raises it (nothing here owns anything).
    unsafe {
        if ffi::lua_pcallk(l, 1, 0, 0, 0, None) != ffi::LUA_OK {
            ffi::lua_error(l);
        }
    }
}

/// Sets up a fresh VM (run under `lua_pcall` on its main thread, see `Vm::new`).
pub(crate) fn install(lua: Lua) -> LResult<c_int> {
    super::field_names::install(lua);
    super::meta_slots::install(lua);
    set_lazy_globals_metatable(lua);
    super::string_view::install(lua);
    Ok(0)
}

/// Gives the globals table a new metatable `{__index = lazy_global}`.
fn set_lazy_globals_metatable(lua: Lua) {
    push_globals(lua);
    lua.new_table(0, 1);
    lua.push_fn(cfn(lazy_global));
    lua.set_field(-2, c"__index");
    // SAFETY: the globals table is at -2, the metatable on top.
    unsafe { ffi::lua_setmetatable(lua.raw(), -2) };
    lua.pop(1);
}

/// `true` if the globals table's metatable is exactly what [`set_lazy_globals_metatable`]
/// makes: a table without a metatable whose only entry is `__index = lazy_global`.
///
/// Such a table cannot be told from a new one by the next process (the process that
/// could have kept a reference to it is gone), so a reset keeps it instead of making
/// another: most processes never touch it. Anything else (a script that replaced the
/// metatable, or changed or extended it through `getmetatable(_G)`) gets a new one.
fn globals_metatable_is_pristine(lua: Lua) -> bool {
    push_globals(lua);
    // SAFETY: live state; the globals table on top (pushes its metatable if it has one).
    if unsafe { ffi::lua_getmetatable(lua.raw(), -1) } == 0 {
        lua.pop(1);
        return false;
    }
    // SAFETY: the metatable on top (pushes its own metatable if it has one).
    let pristine = if unsafe { ffi::lua_getmetatable(lua.raw(), -1) } != 0 {
        lua.pop(1);
        false
    } else {
        let mut entries = 0;
        let mut only_lazy_index = true;
        lua.push_nil();
        while lua.next(-2) {
            entries += 1;
            // SAFETY: live state; a value on top. `lua_tocfunction` reads, converting nothing.
            let function = unsafe { ffi::lua_tocfunction(lua.raw(), -1) };
            only_lazy_index &= lua.kind(-2) == ffi::LUA_TSTRING
                && lua.bytes(-2) == Some(b"__index".as_slice())
                && function.is_some_and(|f| f as usize == cfn(lazy_global) as usize);
            lua.pop(1);
        }
        entries == 1 && only_lazy_index
    };
    lua.pop(2);
    pristine
}

/// Puts a VM whose process ended back into the state [`install`] leaves a new one in,
/// for the next process (run protected on its main thread, see `Vm::scrub`).
///
/// What Lua code can reach is what hangs off the globals table, the strings' metatable
/// and the registry (through our functions), so:
/// - the registry keeps only the main thread, the globals table, lauxlib's `_UBOX*`
///   metatable (of the boxes its string buffers grow into: two C functions) and its
///   entries under light-userdata keys: the userdata metatables (hidden from scripts by
///   `__metatable`, so unchanged by them), the loaded chunks (`chunks.rs`), the
///   pristine `string` library with its views' metatable (`string_view.rs`) and the
///   spare thread (`spare_thread.rs`), none of which a script can reach; and the
///   interned field names of `field_names.rs` (immutable strings) and the metatable
///   slots of `meta_slots.rs`. The references (integer keys from `meta_slots::END_SLOT`
///   up; `luaL_ref`'s free list starts
///   empty again) and the `require` cache go: nothing else of ours writes to the
///   registry, and scripts cannot reach it (debug builds check this with a full walk);
/// - the globals table is emptied in place, keeping the room it grew (libraries reopen
///   lazily into it, so a script's changes to `string` or `math` die with it; `math`
///   is reseeded at open), and gets a new lazy metatable unless it still has one
///   exactly as made (a script may have changed or replaced it);
/// - the strings' metatable is the lazy one again, unless the `string` view stays:
///   the `process` table and the `string` view are kept as the next process's globals
///   when they are exactly as made (`process::is_pristine`,
///   `string_view::is_reusable_view`: empty, behind a metatable no script can reach),
///   since most processes touch both and a new process could not tell them from new
///   ones; the strings' metatable then points at the kept view.
///
/// The old process's objects are garbage from here on and are collected like any
/// other; their finalizers only drop Rust values. The table that was its `_G` is the
/// next process's `_G`, but nothing of the old process runs again to tell.
pub(crate) fn reset(lua: Lua) -> LResult<c_int> {
    lua.ensure(8)?;
    // First, while the reference below still anchors it: the finished `main` thread the
    // scrub passed (or null) becomes the spare.
    // SAFETY: `Vm::scrub` passes null or a thread of this VM whose function returned.
    unsafe { super::spare_thread::keep(lua, lua.light(1).cast()) };
    // References are the registry's integers from `meta_slots::END_SLOT` up, without
    // holes (`luaL_ref` chains a freed slot into the free list, it does not clear it);
    // the free list starts empty again, and the slots of the field names and the
    // metatables stay.
    // SAFETY: the registry is a table.
    let refs_end = unsafe { ffi::lua_rawlen(lua.raw(), ffi::LUA_REGISTRYINDEX) };
    for r in super::meta_slots::END_SLOT..=ffi::lua_Integer::try_from(refs_end).unwrap_or(0) {
        lua.push_nil();
        // SAFETY: the registry is a table; nil on top.
        unsafe { ffi::lua_rawseti(lua.raw(), ffi::LUA_REGISTRYINDEX, r) };
    }
    lua.push_int(0);
    // SAFETY: the registry is a table; the empty free list on top.
    unsafe {
        ffi::lua_rawseti(
            lua.raw(),
            ffi::LUA_REGISTRYINDEX,
            field_names::FREE_LIST_SLOT,
        )
    };
    lua.push_nil();
    // SAFETY: the registry is a table; nil on top.
    unsafe { ffi::lua_rawsetp(lua.raw(), ffi::LUA_REGISTRYINDEX, loaded_key()) };
    #[cfg(debug_assertions)]
    check_registry_is_bare(lua);

    push_globals(lua);
    let globals = lua.top();
    clear_globals(lua, globals)?;
    // Stack: globals, the kept `string` view or nil.
    if lua.kind(-1) == ffi::LUA_TNIL {
        super::string_view::install(lua);
    } else {
        super::string_view::reopen(lua, -1);
    }
    lua.pop(2);
    if !globals_metatable_is_pristine(lua) {
        set_lazy_globals_metatable(lua);
    }
    Ok(0)
}

/// Global tables a VM scrub kept for the next process, since the program started.
static KEPT_GLOBALS: StripedCounter = StripedCounter::new();

/// How many `process` and `string` tables VM scrubs kept for the next process in the VM
/// instead of leaving them to be made again (since the program started; for tests and
/// measurements).
pub fn kept_globals() -> u64 {
    KEPT_GLOBALS.sum()
}

/// Empties the globals table at `globals` in place (keeping its room), except for the
/// `process` table and the `string` view when the process left them exactly as made
/// (`process::is_pristine`, `string_view::is_reusable_view`): those stay, for the next
/// process (most touch both). Each is an empty table behind a metatable no script can
/// reach or change, so nothing of the old process is in it. Pushes the kept `string`
/// view, or nil. One walk of the table, which is empty for a process that read no
/// global.
fn clear_globals(lua: Lua, globals: c_int) -> LResult<()> {
    lua.ensure(5)?;
    lua.push_nil();
    let kept_view = lua.top();
    lua.push_nil();
    while lua.next(globals) {
        // `bytes` reads string keys only: nothing is converted under `lua_next`.
        let keep = match lua.bytes(-2) {
            Some(b"process") => modules::process::is_pristine(lua, -1),
            Some(b"string") => {
                let reusable = super::string_view::is_reusable_view(lua, -1);
                if reusable {
                    // SAFETY: both indices are valid; copying a value runs no Lua code.
                    unsafe { ffi::lua_copy(lua.raw(), -1, kept_view) };
                }
                reusable
            }
            _ => false,
        };
        lua.pop(1);
        if keep {
            KEPT_GLOBALS.add(1);
            continue;
        }
        // Assigning nil to a field during a traversal is allowed, and `next` goes on
        // from the cleared key.
        lua.push_value(-1);
        lua.push_nil();
        // SAFETY: a table at `globals`; a key copy and nil on top.
        unsafe { ffi::lua_rawset(lua.raw(), globals) };
    }
    Ok(())
}

/// Debug builds: panics if the registry holds more than `reset` leaves (a registry
/// write that `reset` does not know about would carry a process's data over).
#[cfg(debug_assertions)]
fn check_registry_is_bare(lua: Lua) {
    lua.push_nil();
    while lua.next(ffi::LUA_REGISTRYINDEX) {
        let kept = match lua.kind(-2) {
            ffi::LUA_TLIGHTUSERDATA => true,
            // The main thread, the globals, the empty free list, the field names and
            // the metatable slots.
            ffi::LUA_TNUMBER => lua.int(-2).is_some_and(|k| {
                matches!(k, ffi::LUA_RIDX_MAINTHREAD | ffi::LUA_RIDX_GLOBALS)
                    || (k == field_names::FREE_LIST_SLOT && lua.int(-1) == Some(0))
                    || (k > field_names::FREE_LIST_SLOT
                        && k < field_names::END_SLOT
                        && matches!(lua.kind(-1), ffi::LUA_TSTRING | ffi::LUA_TBOOLEAN))
                    || (super::meta_slots::is_slot(k)
                        && matches!(lua.kind(-1), ffi::LUA_TBOOLEAN | ffi::LUA_TTABLE))
            }),
            // lauxlib's metatable of the boxes its string buffers grow into (made the
            // first time a buffer outgrows the C stack: `string.rep`, a long traceback):
            // two C functions, reached by no script.
            ffi::LUA_TSTRING => {
                lua.bytes(-2) == Some(b"_UBOX*".as_slice()) && lua.kind(-1) == ffi::LUA_TTABLE
            }
            _ => false,
        };
        assert!(
            kept,
            "registry entry of type {} survives a VM reset",
            lua.type_name(-2)
        );
        lua.pop(1);
    }
}

fn push_globals(lua: Lua) {
    // SAFETY: live state; pushes the globals table.
    unsafe { ffi::lua_rawgeti(lua.raw(), ffi::LUA_REGISTRYINDEX, ffi::LUA_RIDX_GLOBALS) };
}

/// Calls the C function `open` (a `luaopen_*`), leaving its one result on the stack.
fn call_open(lua: Lua, open: ffi::lua_CFunction) {
    lua.push_fn(open);
    // SAFETY: live state in protected mode (we run inside a Lua call); the opener takes
    // no arguments and returns one value.
    unsafe { ffi::lua_callk(lua.raw(), 0, 1, 0, None) };
}

/// `__index` of the globals table: builds a missing global on first read.
fn lazy_global(lua: Lua) -> LResult<c_int> {
    let Some(name) = lua.bytes(2) else {
        lua.push_nil();
        return Ok(1);
    };
    lua.ensure(8)?;
    // The names of this match first (a process reads `process` and `string` more often
    // than it opens the base library), then the base library's.
    match name {
        b"string" => super::string_view::open(lua),
        b"table" => open_table(lua),
        b"math" => open_math(lua)?,
        b"coroutine" => modules::coroutine::open(lua)?,
        // The clock functions only (reference §0), as the original's `ostime`.
        b"os" => modules::time::push_os(lua)?,
        b"process" => modules::process::open(lua)?,
        b"channel" => modules::channel::open(lua)?,
        b"errors" => modules::errors::open(lua)?,
        b"payload" => modules::payload::open(lua)?,
        b"package" => modules::package::open(lua)?,
        b"integer" => lua.push_fn(cfn(modules::casts::integer)),
        b"number" => lua.push_fn(cfn(modules::casts::number)),
        b"boolean" => lua.push_fn(cfn(modules::casts::boolean)),
        b"any" => lua.push_fn(cfn(modules::casts::any)),
        b"unknown" => lua.push_fn(cfn(modules::casts::unknown)),
        b"never" => lua.push_fn(cfn(modules::casts::never)),
        b"subscribe" => lua.push_fn(cfn(modules::process::subscribe)),
        // Lua 5.1's global `unpack` (the original's dialect is 5.1-based: reference §0).
        b"unpack" => {
            open_table(lua);
            lua.get_field(-1, c"unpack");
            lua.remove(-2);
        }
        b"unsubscribe" => lua.push_fn(cfn(modules::process::unsubscribe)),
        _ if BASE_NAMES.contains(&name) => {
            open_base(lua)?;
            push_globals(lua);
            lua.push_value(2);
            // SAFETY: the globals table is at -2, the key on top.
            unsafe { ffi::lua_rawget(lua.raw(), -2) };
            return Ok(1);
        }
        _ => {
            // A module the entry lists in `modules:`, or an `imports:` alias, is also a
            // global, as in the original (which puts each in `_G`): loaded as `require`
            // loads it, at the first read.
            let st = state(lua)?;
            let compiled = requiring_entry(lua, st);
            let listed = compiled.modules.iter().any(|m| m.as_bytes() == name)
                || compiled
                    .imports
                    .iter()
                    .any(|(alias, _)| alias.as_bytes() == name);
            if !listed {
                lua.push_nil();
                return Ok(1);
            }
            lua.push_fn(cfn(require));
            lua.push_value(2);
            // SAFETY: our `require` and the name on top; a protected call, so its error
            // comes back here and is raised once our frame owns nothing.
            if unsafe { ffi::lua_pcallk(lua.raw(), 1, 1, 0, 0, None) } != ffi::LUA_OK {
                return Err(Raise::Top);
            }
        }
    }
    // Store it: later reads do not come here.
    push_globals(lua);
    lua.push_value(2);
    lua.push_value(-3);
    // SAFETY: globals at -3, key at -2, value on top.
    unsafe { ffi::lua_rawset(lua.raw(), -3) };
    lua.pop(1);
    Ok(1)
}

/// Opens the base library into the globals, then takes out and replaces what the
/// sandbox does not allow.
fn open_base(lua: Lua) -> LResult<()> {
    push_globals(lua);
    if lua.get_field(-1, c"pairs") != super::lua::LUA_TNIL {
        lua.pop(2);
        return Ok(());
    }
    lua.pop(1);
    call_open(lua, ffi::luaopen_base);
    lua.pop(1);
    for name in REMOVED_GLOBALS {
        lua.push_nil();
        lua.set_field_str(-2, name);
    }
    lua.push_fn(cfn(modules::logger::print));
    lua.set_field(-2, c"print");
    lua.push_fn(cfn(setmetatable));
    lua.set_field(-2, c"setmetatable");
    lua.push_fn(cfn(require));
    lua.set_field(-2, c"require");
    super::string_view::guard_base(lua, -1);
    super::protected_call::install(lua, -1);
    lua.pop(1);
    Ok(())
}

/// Opens `table`, with Lua 5.1's `getn` and `maxn`, which the original's 5.1-based
/// dialect keeps (reference §0), and Wippy's `create`; `insert`, `remove` and `move`
/// are the stoppable ones of `table_loops.rs`. Pushes the library.
fn open_table(lua: Lua) {
    call_open(lua, ffi::luaopen_table);
    super::table_loops::install(lua, -1);
    lua.push_fn(cfn(table_getn));
    lua.set_field(-2, c"getn");
    lua.push_fn(cfn(table_maxn));
    lua.set_field(-2, c"maxn");
    lua.push_fn(cfn(table_create));
    lua.set_field(-2, c"create");
}

/// `table.create(narr [, nrec])`: an empty table with room for `narr` array items and
/// `nrec` other fields (Wippy's extension; a size past the process's memory limit is
/// the limit's error).
fn table_create(lua: Lua) -> LResult<c_int> {
    let size = |idx: c_int, name: &str| -> LResult<c_int> {
        if idx == 2 && lua.is_nil(idx) {
            return Ok(0);
        }
        match lua.int(idx) {
            Some(n) if n >= 0 => Ok(c_int::try_from(n).unwrap_or(c_int::MAX)),
            _ => Err(Raise::from(format!(
                "bad argument #{idx} to 'create' ({name} must be a non-negative integer, got {})",
                lua.type_name(idx)
            ))),
        }
    };
    let narr = size(1, "array size")?;
    let nrec = size(2, "field count")?;
    lua.ensure(1)?;
    lua.new_table(narr, nrec);
    Ok(1)
}

/// `table.getn(t)`: the length of `t` without metamethods, as Lua 5.1 counts it.
fn table_getn(lua: Lua) -> LResult<c_int> {
    if lua.kind(1) != ffi::LUA_TTABLE {
        return Err(Raise::from(format!(
            "bad argument #1 to 'getn' (table expected, got {})",
            lua.type_name(1)
        )));
    }
    // SAFETY: live state; a table at index 1.
    let len = unsafe { ffi::lua_rawlen(lua.raw(), 1) };
    lua.push_int(ffi::lua_Integer::try_from(len).unwrap_or(ffi::lua_Integer::MAX));
    Ok(1)
}

/// `table.maxn(t)`: the largest positive numeric key of `t`, or 0 (Lua 5.1).
fn table_maxn(lua: Lua) -> LResult<c_int> {
    if lua.kind(1) != ffi::LUA_TTABLE {
        return Err(Raise::from(format!(
            "bad argument #1 to 'maxn' (table expected, got {})",
            lua.type_name(1)
        )));
    }
    lua.ensure(3)?;
    // The largest key so far, kept as Lua has it (an integer or a float).
    let mut max: Option<(f64, Option<ffi::lua_Integer>)> = None;
    lua.push_nil();
    while lua.next(1) {
        lua.pop(1);
        if lua.kind(-1) == ffi::LUA_TNUMBER {
            let key = lua.number(-1).unwrap_or(0.0);
            if key > 0.0 && max.is_none_or(|(m, _)| key > m) {
                max = Some((key, lua.int(-1)));
            }
        }
    }
    match max {
        None => lua.push_int(0),
        Some((_, Some(i))) => lua.push_int(i),
        Some((f, None)) => lua.push_number(f),
    }
    Ok(1)
}

/// Opens `math` and seeds its generator from Rust: Lua's own seed mixes the time in
/// seconds with the state's address, which repeats when a VM is reused (see
/// `pool.rs`). Pushes the library.
fn open_math(lua: Lua) -> LResult<()> {
    call_open(lua, ffi::luaopen_math);
    lua.ensure(3)?;
    lua.get_field(-1, c"randomseed");
    // Seeds are whole 64-bit patterns; Lua takes them as integers.
    lua.push_int(fastrand::i64(..));
    lua.push_int(fastrand::i64(..));
    // SAFETY: live state in protected mode; `math.randomseed(n1, n2)` raises nothing for
    // integer arguments and returns nothing we keep.
    unsafe { ffi::lua_callk(lua.raw(), 2, 0, 0, None) };
    // Lua 5.1's name of `fmod`, which the original's 5.1-based dialect keeps.
    lua.get_field(-1, c"fmod");
    lua.set_field(-2, c"mod");
    Ok(())
}

/// Drops the pristine libraries the VM keeps for later processes.
pub(crate) fn forget_kept(lua: Lua) {
    super::string_view::forget(lua);
}

/// `setmetatable(t, mt)` that installs no finalizer: a `__gc` field of `mt` stays in
/// it but is not one (as in the original, whose VM has no finalizers for tables), so
/// no Lua code runs inside a collection, which may come inside the runtime's own calls.
fn setmetatable(lua: Lua) -> LResult<c_int> {
    if lua.kind(1) != ffi::LUA_TTABLE {
        return Err(Raise::from(format!(
            "bad argument #1 to 'setmetatable' (table expected, got {})",
            lua.type_name(1)
        )));
    }
    match lua.kind(2) {
        ffi::LUA_TNIL | ffi::LUA_TTABLE => {}
        _ => {
            return Err(Raise::from(format!(
                "bad argument #2 to 'setmetatable' (nil or table expected, got {})",
                lua.type_name(2)
            )));
        }
    }
    super::string_view::materialize(lua, 1);
    materialize_globals(lua, 1)?;
    // SAFETY: live state; a table at 1.
    if unsafe { ffi::lua_getmetatable(lua.raw(), 1) } != 0 {
        let protected = lua.get_field(-1, c"__metatable") != ffi::LUA_TNIL;
        lua.pop(2);
        if protected {
            return Err(Raise::from("cannot change a protected metatable"));
        }
    }
    lua.set_top(2);
    lua.ensure(3)?;
    // Lua marks a table for finalization when the metatable it gets has `__gc` (read
    // raw) at that moment, and never for a `__gc` added later: the field is taken out
    // while the metatable is set, then put back.
    // SAFETY: live state with room for three values; the table at 1, the metatable (or
    // nil) at 2. Raw reads and writes run no Lua code; clearing an existing key and
    // setting it again in its own slot allocates nothing, so nothing here raises.
    unsafe {
        let finalizer = lua.kind(2) == ffi::LUA_TTABLE && {
            lua.push_str("__gc");
            ffi::lua_rawget(lua.raw(), 2) != ffi::LUA_TNIL
        };
        if finalizer {
            lua.push_str("__gc");
            lua.push_nil();
            ffi::lua_rawset(lua.raw(), 2);
        }
        lua.push_value(2);
        ffi::lua_setmetatable(lua.raw(), 1);
        if finalizer {
            // The `__gc` value is at 3.
            lua.push_str("__gc");
            lua.push_value(3);
            ffi::lua_rawset(lua.raw(), 2);
        }
    }
    lua.set_top(1);
    Ok(1)
}

/// The modules of this runtime that [`require`] opens by name when an entry lists them
/// (keep in step with its `match`): opening one cannot fail.
const RUNTIME_MODULES: &[&str] = &[
    "time", "io", "logger", "json", "uuid", "base64", "hash", "yaml", "env", "ctx", "funcs",
    "events", "registry", "security",
];

/// Whether `require(name)`, in the code of an entry with these `modules:` and
/// `imports:`, cannot fail: an always-present global, or a listed module of this
/// runtime, and no alias of a library (whose top level runs).
pub(crate) fn require_cannot_fail(
    modules: &[String],
    imports: &[(String, EntryId)],
    name: &str,
) -> bool {
    if imports.iter().any(|(alias, _)| alias == name) {
        return false;
    }
    GLOBAL_MODULES.contains(&name)
        || (RUNTIME_MODULES.contains(&name) && modules.iter().any(|m| m == name))
}

/// Whether reading the global `name` in the code of such an entry cannot fail: a name
/// it neither lists in `modules:` nor aliases in `imports:` is built by
/// [`lazy_global`] or is nil; a listed one loads as `require` loads it.
pub(crate) fn global_read_cannot_fail(
    modules: &[String],
    imports: &[(String, EntryId)],
    name: &str,
) -> bool {
    let listed =
        modules.iter().any(|m| m == name) || imports.iter().any(|(alias, _)| alias == name);
    !listed || require_cannot_fail(modules, imports, name)
}

/// `require(name)`: a module of `modules:`, an alias of `imports:`, or one of the
/// always-present globals.
fn require(lua: Lua) -> LResult<c_int> {
    let Some(name) = lua.string(1) else {
        return Err(Raise::from(format!(
            "bad argument #1 to 'require' (string expected, got {})",
            lua.type_name(1)
        )));
    };
    lua.ensure(8)?;
    lua.set_top(1);
    // Cache: registry[loaded_key()][what the name resolves to].
    // SAFETY: live state; pushes the registry's entry (nil or the cache table).
    if unsafe { ffi::lua_rawgetp(lua.raw(), ffi::LUA_REGISTRYINDEX, loaded_key()) }
        != ffi::LUA_TTABLE
    {
        lua.pop(1);
        lua.new_table(0, 4);
        lua.push_value(-1);
        // SAFETY: the new table on top.
        unsafe { ffi::lua_rawsetp(lua.raw(), ffi::LUA_REGISTRYINDEX, loaded_key()) };
    }
    let st = state(lua)?;
    // Whose `modules:` and `imports:` apply: the entry whose code calls `require` (the
    // process's, or a library's it loaded).
    let compiled: Arc<CompiledEntry> = requiring_entry(lua, st);
    let env = st.env.clone();
    let import = compiled
        .imports
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, library)| library.clone());
    let builtin = GLOBAL_MODULES.contains(&name.as_str());
    if import.is_none() && !builtin && !compiled.modules.contains(&name) {
        return Err(Raise::from(format!(
            "module {name:?} is not allowed: add it to modules: of entry {}",
            compiled.id
        )));
    }
    // The cache is keyed by what a name resolves to: two entries may give one alias to
    // different libraries. A module name never starts with a NUL byte.
    match &import {
        Some(library) => lua.push_str(&format!("\0{library}")),
        None => lua.push_value(1),
    }
    let cache_key = lua.top();
    lua.push_value(cache_key);
    // SAFETY: the cache at 2, the key on top.
    if unsafe { ffi::lua_rawget(lua.raw(), 2) } != ffi::LUA_TNIL {
        return Ok(1);
    }
    lua.pop(1);
    if let Some(library) = import {
        let registry = env.registry.current();
        let entry = registry.get(&library).ok_or_else(|| {
            Raise::from(format!(
                "require({name:?}): imported entry {library} is not in the registry"
            ))
        })?;
        let library = env
            .compiler
            .get(entry)
            .map_err(|e| Raise::from(e.message().to_owned()))?;
        let st = state(lua)?;
        let libraries = &mut st.occasional().libraries;
        if !libraries.iter().any(|l| Arc::ptr_eq(l, &library)) {
            libraries.push(library.clone());
        }
        super::chunks::push_chunk(lua, &library)?;
        // SAFETY: the chunk on top; runs the library's top level in protected mode, so
        // its error comes back here (and is raised once our frame owns nothing).
        if unsafe { ffi::lua_pcallk(lua.raw(), 0, 1, 0, 0, None) } != ffi::LUA_OK {
            return Err(Raise::Top);
        }
    } else {
        match name.as_str() {
            "time" => modules::time::open(lua)?,
            "io" => modules::io::open(lua)?,
            "logger" => modules::logger::open(lua)?,
            "json" => modules::json::open(lua)?,
            "uuid" => modules::uuid::open(lua)?,
            "base64" => modules::base64::open(lua)?,
            "hash" => modules::hash::open(lua)?,
            "yaml" => modules::yaml::open(lua)?,
            "env" => modules::env::open(lua)?,
            "ctx" => modules::ctx::open(lua)?,
            "funcs" => modules::funcs::open(lua)?,
            "events" => modules::events::open(lua)?,
            "registry" => modules::registry::open(lua)?,
            "security" => modules::security::open(lua)?,
            global if GLOBAL_MODULES.contains(&global) => {
                push_globals(lua);
                lua.get_field_str(-1, &name);
                lua.remove(-2);
                if lua.is_nil(-1) {
                    // Not built yet: built as a first read builds it, by our own
                    // `__index` called directly (the globals' metatable may be the
                    // script's by now, whose code must not run over this frame), in a
                    // protected call, so that its error comes back here.
                    lua.pop(1);
                    lua.push_fn(cfn(lazy_global));
                    push_globals(lua);
                    lua.push_value(1);
                    // SAFETY: the function and its two arguments on top.
                    if unsafe { ffi::lua_pcallk(lua.raw(), 2, 1, 0, 0, None) } != ffi::LUA_OK {
                        return Err(Raise::Top);
                    }
                }
            }
            other => {
                return Err(Raise::from(format!(
                    "module {other:?} is not available in this runtime (entry {} lists it in modules:)",
                    compiled.id
                )));
            }
        }
    }
    // Stack: name, cache, key, value.
    lua.push_value(cache_key);
    lua.push_value(-2);
    // SAFETY: the cache at 2, key and value on top.
    unsafe { ffi::lua_rawset(lua.raw(), 2) };
    Ok(1)
}

/// The entry whose code called `require`: that of the innermost Lua function on the
/// stack (a C function such as `pcall` in between is skipped), matched by chunk name
/// against the process's entry and the libraries it loaded; the process's entry when
/// none matches.
fn requiring_entry(lua: Lua, st: &ProcState) -> Arc<CompiledEntry> {
    let mut level = 1;
    loop {
        // SAFETY: live state; `lua_Debug` is plain data that Lua fills, and the strings it
        // points to live while the function is on the stack (we read them at once).
        let source = unsafe {
            let mut ar: ffi::lua_Debug = std::mem::zeroed();
            if ffi::lua_getstack(lua.raw(), level, &mut ar) == 0
                || ffi::lua_getinfo(lua.raw(), c"S".as_ptr(), &mut ar) == 0
            {
                break;
            }
            if std::ffi::CStr::from_ptr(ar.what).to_bytes() == b"C" {
                level += 1;
                continue;
            }
            std::slice::from_raw_parts(ar.source.cast::<u8>(), ar.srclen)
        };
        let loaded_as = |entry: &CompiledEntry| entry.load_name.strip_suffix(b"\0") == Some(source);
        if loaded_as(&st.entry) {
            break;
        }
        let libraries = st
            .occasional
            .as_deref()
            .map_or(&[][..], |o| &o.libraries[..]);
        if let Some(library) = libraries.iter().find(|l| loaded_as(l)) {
            return library.clone();
        }
        break;
    }
    st.entry.clone()
}
