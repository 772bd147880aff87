//! [`StringCache`]: the Lua strings of runtime values a process meets again and again —
//! the PIDs of its peers, the topics they send on — so that each received message does
//! not render and intern them anew.
//!
//! Part of the process's [`ProcState`](super::state::ProcState): only the process's own
//! calls touch it. Each of its `N` slots holds a key and a registry reference to the
//! key's string (a direct-mapped cache: the caller picks the slot from the key). The
//! references die with the process's registry; the strings are immutable, so handing
//! the same one out twice is not observable.

use super::lua::{LResult, Lua};
use mlua::ffi;
use std::ffi::c_int;

/// A direct-mapped cache of Lua strings by key.
#[derive(Debug)]
pub(crate) struct StringCache<K, const N: usize> {
    slots: [Option<(K, c_int)>; N],
}

impl<K, const N: usize> Default for StringCache<K, N> {
    fn default() -> Self {
        StringCache {
            slots: std::array::from_fn(|_| None),
        }
    }
}

/// A key of a [`StringCache`]: how to tell that two keys have the same string.
pub(crate) trait CacheKey: Clone {
    fn same(&self, other: &Self) -> bool;
}

impl CacheKey for wippy_runtime::pid::Pid {
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

impl CacheKey for wippy_runtime::message::Topic {
    /// A sender's topics are usually one shared string: compare addresses first.
    fn same(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(self, other) || self == other
    }
}

impl<K: CacheKey, const N: usize> StringCache<K, N> {
    /// Pushes the string of `key`, kept in slot `hash % N`: the cached one, or the one
    /// `make` pushes (then cached in place of what the slot held).
    ///
    /// # Errors
    ///
    /// No room on the stack. A memory error unwinds to the enclosing protected call.
    pub(crate) fn push(
        &mut self,
        lua: Lua,
        key: &K,
        hash: usize,
        make: impl FnOnce(Lua, &K),
    ) -> LResult<()> {
        let slot = &mut self.slots[hash % N];
        if let Some((cached, r)) = slot {
            if cached.same(key) {
                lua.push_ref(*r);
                return Ok(());
            }
        }
        lua.ensure(2)?;
        make(lua, key);
        lua.push_value(-1);
        match slot {
            Some((cached, r)) => {
                // SAFETY: live state; `r` is a reference this cache holds, so the
                // registry has the key and the assignment allocates nothing. Pops the
                // copy on top.
                unsafe { ffi::lua_rawseti(lua.raw(), ffi::LUA_REGISTRYINDEX, (*r).into()) };
                *cached = key.clone();
            }
            None => *slot = Some((key.clone(), lua.new_ref())),
        }
        Ok(())
    }
}
