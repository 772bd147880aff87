//! Frees the channels that no Lua value can reach any more.
//!
//! A channel lives in its process's channel table ([`Channels`](super::channel::Channels)),
//! and Lua holds it as a userdata without a finalizer (a finalizer would run inside the
//! runtime's own calls, and costs every channel a second collection cycle). Instead, each
//! new channel's userdata becomes a key of a weak-keyed table of the process
//! ([`ProcState::channel_keys`]), except while a feed keeps the channel (inbox, events,
//! listen: an idle process pays no table for its inbox); `unlisten` enters the channel
//! when it removes the feed. When the process makes a channel while it has at least
//! [`SWEEP_AFTER`] channels and twice as many as the last sweep kept, a sweep runs first:
//!
//! 1. a full collection clears the keys of the userdata nothing reaches;
//! 2. the channels still keyed, and those a feed pins (inbox, events, listen), are kept;
//! 3. every other channel is removed with its queued values and its timer.
//!
//! Whatever can still use a channel reaches its userdata: a coroutine blocked on it has it
//! on its stack, a select case keeps its channel as a user value, a timer handle keeps
//! its channel, and a value queued in a channel is a registry reference. So a swept
//! channel is one that no code can name again, and freeing it is not observable. A
//! process that makes a `time.after` channel per loop turn (the usual receive timeout)
//! thus runs in bounded memory.
//!
//! Only the process's own calls run this (from a Lua call, with the process state).

use super::channel::{ChanId, Feed};
use super::lua::{LResult, Lua};
use super::state::{ProcState, TimerTarget};
use mlua::ffi;
use wippy_runtime::StripedCounter;

/// The fewest channels at which a sweep may run (fewer cost nothing to keep).
const SWEEP_AFTER: usize = 128;

/// Channels freed by sweeps since the program started.
static FREED: StripedCounter = StripedCounter::new();

/// How many channels sweeps have freed since the program started (for tests and
/// measurements).
pub fn freed_channels() -> u64 {
    FREED.sum()
}

/// Enters the channel userdata on top of the stack in the process's weak table, making
/// the table at the first channel.
///
/// # Errors
///
/// No room on the stack. A memory error unwinds to the enclosing protected call.
pub(crate) fn track(lua: Lua, st: &mut ProcState) -> LResult<()> {
    lua.ensure(4)?;
    match st.channel_keys {
        Some(r) => lua.push_ref(r),
        None => {
            lua.new_table(0, 4);
            lua.new_table(0, 1);
            lua.push_str("k");
            lua.set_field(-2, c"__mode");
            // SAFETY: live state; the new table at -2, its metatable on top (a plain table,
            // so no metamethod runs).
            unsafe { ffi::lua_setmetatable(lua.raw(), -2) };
            lua.push_value(-1);
            st.channel_keys = Some(lua.new_ref());
        }
    }
    lua.push_value(-2);
    lua.push_bool(true);
    // SAFETY: live state; the weak table at -3, the userdata key and `true` above it.
    unsafe { ffi::lua_rawset(lua.raw(), -3) };
    lua.pop(1);
    Ok(())
}

/// Sweeps when the channel table has grown enough since the last sweep (see the module
/// docs). Call before making a channel.
///
/// # Errors
///
/// No room on the stack.
pub(crate) fn maybe_sweep(lua: Lua, st: &mut ProcState) -> LResult<()> {
    let live = st.channels.chans.len();
    if live < SWEEP_AFTER.max(st.channels.sweep_at) || st.channel_keys.is_none() {
        return Ok(());
    }
    free_garbage(lua, st)
}

/// Frees what garbage holds of the process's memory limit: a full collection (garbage
/// userdata release their charges) and a sweep of the channels nothing reaches (their
/// buffers' charges go with them). For a send whose buffer would not fit otherwise
/// (`modules/channel.rs`), as a charge runs a full collection before it fails
/// (`vm/alloc.rs`).
///
/// # Errors
///
/// No room on the stack.
pub(crate) fn free_garbage(lua: Lua, st: &mut ProcState) -> LResult<()> {
    lua.ensure(4)?;
    // SAFETY: live state, inside a Lua call; a full collection runs only the runtime's
    // finalizers (scripts cannot set `__gc`), which neither raise nor touch the state.
    unsafe { ffi::lua_gc(lua.raw(), ffi::LUA_GCCOLLECT) };
    let Some(keys) = st.channel_keys else {
        return Ok(());
    };
    let mut reached = vec![false; st.channels.chans.capacity()];
    lua.push_ref(keys);
    lua.push_nil();
    while lua.next(-2) {
        lua.pop(1);
        if let Some(id) = crate::modules::channel::channel_id(lua, -1) {
            if let Some(mark) = reached.get_mut(id) {
                *mark = true;
            }
        }
    }
    lua.pop(1);
    for (id, feed) in &st.feeds {
        if !matches!(feed, Feed::Timer) {
            if let Some(mark) = reached.get_mut(*id) {
                *mark = true;
            }
        }
    }
    let unreached: Vec<ChanId> = st
        .channels
        .chans
        .iter()
        .map(|(id, _)| id)
        .filter(|id| !reached.get(*id).copied().unwrap_or(false))
        .collect();
    for &id in &unreached {
        free(lua, st, id);
    }
    FREED.add(unreached.len() as u64);
    st.channels.sweep_at = 2 * st.channels.chans.len();
    Ok(())
}

/// Removes channel `id`, the values queued in it, its feed and its timer.
fn free(lua: Lua, st: &mut ProcState, id: ChanId) {
    for slot in st.channels.remove(id) {
        slot.release(lua);
    }
    st.feeds.remove(&id);
    if let Some(occasional) = st.occasional.as_deref_mut() {
        occasional
            .timers
            .retain(|_, timer| !matches!(timer.target, TimerTarget::Chan(c) if c == id));
        occasional.ticks.retain(|(c, _)| *c != id);
        occasional.futures.remove(&id);
    }
}
