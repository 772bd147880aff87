//! Loaded chunks, kept in a VM for the next process that runs the same entry there (a
//! reused VM, see `pool.rs`), so that it does not undump the bytecode again.
//!
//! The cache is a table in the VM's registry, under a light userdata key (so the scrub
//! between processes keeps it), mapping each [`CompiledEntry`]'s `cache_id` to the
//! function `lua_load` made of it, before it ran. It helps the many short processes that
//! follow each other in a VM; a process that waits may live long, so the driver drops the
//! cache ([`forget`]) before that process's first full collection, and an idle process
//! pays nothing for it.
//!
//! A chunk is a function of its bytecode and its one upvalue, `_ENV`, which loading sets
//! to the globals; [`push_chunk`] sets it to the current process's globals, so a cached
//! chunk runs as a freshly loaded one. Nothing reaches the cache from Lua code: no script
//! gets hold of a chunk function or of the registry.

use super::lua::{LResult, Lua, Raise};
use crate::compile::CompiledEntry;
use mlua::ffi;
use std::ffi::c_void;
use wippy_runtime::StripedCounter;

/// The registry key of the cache (its address).
static CHUNKS_KEY: u8 = 0;

/// Chunks taken from a VM's cache rather than loaded, since the program started.
static REUSED: StripedCounter = StripedCounter::new();

/// How many times a process started from a chunk its VM kept instead of loading the
/// bytecode (since the program started; for tests and measurements).
pub fn reused_chunks() -> u64 {
    REUSED.sum()
}

/// Pushes the chunk of `compiled`, ready to call (its `_ENV` is the current globals).
///
/// # Errors
///
/// The bytecode does not load ([`Raise::Top`]: the message is on top). A memory error
/// unwinds to the enclosing protected call.
pub(crate) fn push_chunk(lua: Lua, compiled: &CompiledEntry) -> LResult<()> {
    lua.ensure(6)?;
    let cache_key = std::ptr::from_ref(&CHUNKS_KEY).cast::<c_void>();
    // SAFETY: live state; raw reads and writes of the registry and of our own tables.
    unsafe {
        if ffi::lua_rawgetp(lua.raw(), ffi::LUA_REGISTRYINDEX, cache_key) != ffi::LUA_TTABLE {
            lua.pop(1);
            lua.new_table(0, 1);
            lua.push_value(-1);
            ffi::lua_rawsetp(lua.raw(), ffi::LUA_REGISTRYINDEX, cache_key);
        }
        // A light userdata is only compared, never followed: any value makes a key.
        let key = compiled.cache_id as usize as *const c_void;
        if ffi::lua_rawgetp(lua.raw(), -1, key) == ffi::LUA_TFUNCTION {
            ffi::lua_rawgeti(lua.raw(), ffi::LUA_REGISTRYINDEX, ffi::LUA_RIDX_GLOBALS);
            if ffi::lua_setupvalue(lua.raw(), -2, 1).is_null() {
                lua.pop(1);
            }
            lua.remove(-2);
            REUSED.add(1);
            return Ok(());
        }
        lua.pop(1);
        let status = ffi::luaL_loadbufferx(
            lua.raw(),
            compiled.bytecode.as_ptr().cast(),
            compiled.bytecode.len(),
            compiled.load_name.as_ptr().cast(),
            c"b".as_ptr(),
        );
        if status != ffi::LUA_OK {
            lua.remove(-2);
            return Err(Raise::Top);
        }
        lua.push_value(-1);
        ffi::lua_rawsetp(lua.raw(), -3, key);
        lua.remove(-2);
    }
    Ok(())
}

/// Drops the VM's chunk cache.
pub(crate) fn forget(lua: Lua) {
    let cache_key = std::ptr::from_ref(&CHUNKS_KEY).cast::<c_void>();
    lua.push_nil();
    // SAFETY: live state, not running; assigning nil to a registry key allocates nothing
    // (a missing key stays missing) and runs no Lua code.
    unsafe { ffi::lua_rawsetp(lua.raw(), ffi::LUA_REGISTRYINDEX, cache_key) };
}
