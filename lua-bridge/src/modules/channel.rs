//! The `channel` global (reference §1.3): `channel.new`, `ch:send`, `ch:receive`,
//! `ch:close`, `ch:case_send`, `ch:case_receive` and `channel.select`.
//!
//! Channels live in their process ([`Channels`](crate::vm::channel::Channels)); the Lua
//! value is a userdata naming one by index, and the same userdata is handed out for the
//! same process channel (`inbox()`, `events()`, `listen(t)`), so `==` identifies it. A
//! case userdata keeps its channel (user value 1) and, for a send, the value (user value
//! 2) alive.

use crate::vm::channel::{Attempt, Case, Cases, ChanId, Completion};
use crate::vm::feed;
use crate::vm::lua::{
    CFn, LResult, LUA_TBOOLEAN, LUA_TNIL, LUA_TTABLE, LUA_TUSERDATA, Lua, Raise, Ret, UserType,
    blocking, cfn, method_index,
};
use crate::vm::ops::{block, select_result};
use crate::vm::slot::Slot;
use crate::vm::state::{ProcState, state};
use crate::vm::sweep;
use smallvec::SmallVec;
use std::ffi::c_int;

/// A channel as Lua sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LuaChannel {
    pub(crate) id: ChanId,
}

/// One case of a `channel.select`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LuaCase {
    chan: ChanId,
    send: bool,
}

method_index!(fn channel_index {
    b"receive" => blocking(receive),
    b"send" => blocking(send),
    b"close" => blocking(close),
    b"case_receive" => cfn(case_receive),
    b"case_send" => cfn(case_send),
});

static CHANNEL: UserType<LuaChannel> = UserType::new(
    c"wippy.channel",
    Some(channel_index as CFn),
    &[("__tostring", cfn(tostring))],
);

static CASE: UserType<LuaCase> = UserType::new(c"wippy.case", None, &[]);

fn tostring(lua: Lua) -> LResult<c_int> {
    let id = this(lua)?.id;
    lua.push_str(&format!("channel({id})"));
    Ok(1)
}

/// Makes a channel of capacity `cap` and pushes its userdata (sweeping the channels
/// nothing reaches first, when due: `vm/sweep.rs`). The channel is freed once nothing
/// reaches it.
///
/// # Errors
///
/// No room on the stack. A memory error unwinds to the enclosing protected call.
pub(crate) fn new_channel(lua: Lua, st: &mut ProcState, cap: usize) -> LResult<ChanId> {
    let id = new_pinned_channel(lua, st, cap)?;
    sweep::track(lua, st)?;
    Ok(id)
}

/// As [`new_channel`], for a channel its feed keeps (inbox, events, listen), which no
/// sweep frees; it costs no entry in the sweep's table. Whoever removes the feed must
/// [`track`](sweep::track) the channel then.
///
/// # Errors
///
/// No room on the stack. A memory error unwinds to the enclosing protected call.
pub(crate) fn new_pinned_channel(lua: Lua, st: &mut ProcState, cap: usize) -> LResult<ChanId> {
    sweep::maybe_sweep(lua, st)?;
    let id = st.channels.create(cap);
    // User value 1: the channel's receive case, made at the first `case_receive`.
    lua.push_userdata_with(LuaChannel { id }, &CHANNEL, 1);
    Ok(id)
}

/// The channel id of the userdata at `idx`.
pub(crate) fn channel_id(lua: Lua, idx: c_int) -> Option<ChanId> {
    lua.userdata(idx, &CHANNEL).map(|c| c.id)
}

fn this(lua: Lua) -> LResult<LuaChannel> {
    lua.userdata(1, &CHANNEL)
        .copied()
        .ok_or_else(|| lua.bad_self("channel", "ch"))
}

fn case_receive(lua: Lua) -> LResult<c_int> {
    let chan = this(lua)?.id;
    lua.ensure(3)?;
    // A receive case names only its channel, so a channel keeps one and hands it out
    // again: a `select` in a loop makes no new case per turn.
    lua.push_user_value(1, 1);
    if lua.kind(-1) == LUA_TUSERDATA {
        return Ok(1);
    }
    lua.pop(1);
    lua.push_userdata_with(LuaCase { chan, send: false }, &CASE, 2);
    lua.push_value(1);
    lua.set_user_value(-2, 1);
    lua.push_value(-1);
    lua.set_user_value(1, 1);
    Ok(1)
}

fn case_send(lua: Lua) -> LResult<c_int> {
    let chan = this(lua)?.id;
    lua.ensure(3)?;
    lua.set_top(2);
    lua.push_userdata_with(LuaCase { chan, send: true }, &CASE, 2);
    lua.push_value(1);
    lua.set_user_value(-2, 1);
    lua.push_value(2);
    lua.set_user_value(-2, 2);
    Ok(1)
}

fn close(lua: Lua) -> LResult<Ret> {
    let chan = this(lua)?.id;
    let st = state(lua)?;
    let woken = st.channels.completed.len();
    st.channels.close(chan);
    super::process::retire_feed(lua, chan, 1)?;
    let st = state(lua)?;
    if st.channels.completed.len() > woken {
        return yield_to_woken(lua, st, Completion::Woke, None);
    }
    Ok(Ret::Values(0))
}

/// Finishes an operation that woke other coroutines of the process (completed their
/// waits) as the original does: the caller yields, and goes on with `completion`'s
/// results after the coroutines already ready, in the order of the original's channel
/// result: a send or receive that met a waiting partner resumes the caller, then the
/// partner; a close resumes the coroutines it woke, then the caller. `case` is the
/// stack index of a select's case, whose result table the completion then makes. Where
/// the caller cannot yield (inside `coroutine.create`/`wrap`, a metamethod), the results
/// come back now.
fn yield_to_woken(
    lua: Lua,
    st: &mut ProcState,
    completion: Completion,
    case: Option<c_int>,
) -> LResult<Ret> {
    if st.current_thread != lua.raw() || !lua.yieldable() {
        return Ok(Ret::Values(match (completion, case) {
            (Completion::Received(_, value, ok), None) => {
                value.push(lua)?;
                lua.push_bool(ok);
                2
            }
            (Completion::Received(_, value, ok), Some(case)) => {
                select_result(lua, case, Some(value), ok)?
            }
            (Completion::Sent(_), None) => {
                lua.push_bool(true);
                1
            }
            (Completion::Sent(_), Some(case)) => select_result(lua, case, None, true)?,
            _ => 0,
        }));
    }
    st.woken_go_first = matches!(completion, Completion::Woke);
    let select = case.map(|case| SmallVec::from_slice(&[case]));
    let Ret::Block(op) = block(lua, st, Cases::new(), select)? else {
        return Err(Raise::from(
            "internal error (bug): a yielding operation did not block",
        ));
    };
    st.channels.complete(op, completion);
    Ok(Ret::Block(op))
}

/// A case to run: receive or send on `chan`; `value` is the stack index of the value to
/// send; `case` the stack index of the select's case userdata.
#[derive(Clone, Copy)]
struct Plan {
    chan: ChanId,
    send: bool,
    value: c_int,
    case: c_int,
}

fn receive(lua: Lua) -> LResult<Ret> {
    let chan = this(lua)?.id;
    run(
        lua,
        &[Plan {
            chan,
            send: false,
            value: 0,
            case: 0,
        }],
        false,
        false,
    )
}

fn send(lua: Lua) -> LResult<Ret> {
    let chan = this(lua)?.id;
    lua.set_top(2);
    run(
        lua,
        &[Plan {
            chan,
            send: true,
            value: 2,
            case: 0,
        }],
        false,
        false,
    )
}

/// Tries one case now.
fn attempt(lua: Lua, st: &mut ProcState, plan: Plan) -> LResult<Attempt> {
    if plan.send {
        if st.channels.send_would_overflow(plan.chan) {
            // Garbage may hold what the buffer needs (dropped channels' buffers,
            // userdata with charges): freed first, so that it never makes a send fail.
            sweep::free_garbage(lua, st)?;
        }
        let (attempt, back) = st.channels.try_send(plan.chan, Slot::hold(lua, plan.value));
        if let Some(back) = back {
            back.release(lua);
        }
        Ok(attempt)
    } else {
        if !st.channels.buffered(plan.chan) && feed::has(st, plan.chan) {
            if let Some(value) = feed::pull(st, plan.chan) {
                return Ok(Attempt::Received(value, true));
            }
        }
        Ok(st.channels.try_recv(plan.chan))
    }
}

/// Of the receive cases from `plans[first]` on whose values come from the process's
/// mail (the inbox, `listen` and `events` channels), the one whose next value arrived
/// first; `plans[first]` is one. Mail is taken in arrival order, as the original's
/// mailbox hands it over: a process's message before its EXIT, whichever case comes
/// first. A value already in a channel's buffer was handed over before anything that
/// still waits, so it counts as the oldest.
fn oldest_feed<'p>(st: &ProcState, plans: &'p [Plan], first: usize) -> &'p Plan {
    let mail_arrival = |plan: &Plan| {
        if plan.send || !feed::is_feed(st, plan.chan) {
            None
        } else if st.channels.buffered(plan.chan) {
            Some(0)
        } else {
            feed::first_arrival(st, plan.chan)
        }
    };
    let mut oldest = &plans[first];
    let Some(mut arrival) = mail_arrival(oldest) else {
        return oldest;
    };
    for plan in &plans[first + 1..] {
        if let Some(n) = mail_arrival(plan).filter(|&n| n < arrival) {
            (oldest, arrival) = (plan, n);
        }
    }
    oldest
}

/// Runs a receive, send or select: answers at once if a case is ready (first in order;
/// of the ready mail cases, the oldest, see [`oldest_feed`]), else the default, else
/// blocks. A select's send case on a closed channel is never ready (as in the
/// original): the default or another case is taken, or the select waits on its other
/// cases; when it has none, it raises "send on closed channel" (the original would
/// wait for ever).
fn run(lua: Lua, plans: &[Plan], default: bool, select: bool) -> LResult<Ret> {
    lua.ensure_in_call(8)?;
    let st = state(lua)?;
    let mut send_closed = false;
    for (i, plan) in plans.iter().enumerate() {
        let has_feed = !plan.send && feed::has(st, plan.chan);
        if !st.channels.ready(plan.send, plan.chan, has_feed) {
            continue;
        }
        let plan = if select && has_feed {
            oldest_feed(st, plans, i)
        } else {
            plan
        };
        let woken = st.channels.completed.len();
        let completion = match attempt(lua, st, *plan)? {
            Attempt::Received(value, ok) => Completion::Received(0, value, ok),
            Attempt::Sent => Completion::Sent(0),
            Attempt::SendClosed if select => {
                send_closed = true;
                continue;
            }
            Attempt::SendClosed => Completion::SendClosed,
            Attempt::NotReady => continue,
        };
        if st.channels.completed.len() > woken && !matches!(completion, Completion::SendClosed) {
            return yield_to_woken(lua, st, completion, select.then_some(plan.case));
        }
        return Ok(Ret::Values(match (completion, select) {
            (Completion::SendClosed, _) => return Err(Raise::from("send on closed channel")),
            (Completion::Received(_, value, ok), false) => {
                value.push(lua)?;
                lua.push_bool(ok);
                2
            }
            (Completion::Received(_, value, ok), true) => {
                select_result(lua, plan.case, Some(value), ok)?
            }
            (_, false) => {
                lua.push_bool(true);
                1
            }
            (_, true) => select_result(lua, plan.case, None, true)?,
        }));
    }
    if default {
        lua.new_table(0, 2);
        lua.push_bool(true);
        lua.set_field(-2, c"default");
        lua.push_bool(true);
        lua.set_field(-2, c"ok");
        return Ok(Ret::Values(1));
    }
    let open = |p: &&Plan| !(send_closed && p.send && st.channels.is_closed(p.chan));
    if send_closed && !plans.iter().any(|p| open(&p)) {
        return Err(Raise::from("send on closed channel"));
    }
    let cases: Cases = plans
        .iter()
        .filter(open)
        .map(|p| {
            if p.send {
                Case::Send(p.chan, Box::new(Slot::hold(lua, p.value)))
            } else {
                Case::Recv(p.chan)
            }
        })
        .collect();
    // The case userdata stay on this call's stack while it waits (it yields no values).
    let case_slots: Option<SmallVec<[c_int; 4]>> =
        select.then(|| plans.iter().filter(open).map(|p| p.case).collect());
    block(lua, st, cases, case_slots)
}

/// Whether the cases table at 1, whose border is `n`, may hold a `default` key (read
/// raw, as the cases are): an entry past `1..n`. A select's table usually holds its
/// cases only, and then asking for `default` by name (through Lua's API string cache, a
/// full interning whenever the cache's slot was taken or cleared) is skipped for one
/// `lua_next` from the last case.
fn may_hold_more_than_cases(lua: Lua, n: usize) -> bool {
    // SAFETY: live state with room for two values (ensured by the caller); the table at
    // 1. `n` is a border of the table (`lua_rawlen`), so key `n` is present, as
    // `lua_next` requires.
    unsafe {
        match n {
            0 => lua.push_nil(),
            n => lua.push_int(i64::try_from(n).unwrap_or(i64::MAX)),
        }
        if mlua::ffi::lua_next(lua.raw(), 1) != 0 {
            lua.pop(2);
            return true;
        }
    }
    false
}

/// `channel.select{case, ..., default = true}` or `channel.select(cases, true)`.
fn select(lua: Lua) -> LResult<Ret> {
    if lua.kind(1) != LUA_TTABLE {
        return Err(Raise::from(format!(
            "channel.select expects a table of cases, got {}",
            lua.type_name(1)
        )));
    }
    lua.set_top(2);
    let n = lua.raw_len(1);
    lua.ensure(c_int::try_from(n).unwrap_or(c_int::MAX).saturating_add(10))?;
    // Only `true` asks for the default, as the original's `OptBool` and its check of
    // the table's `default` field; another value as the second argument raises.
    let mut default = match lua.kind(2) {
        LUA_TNIL => false,
        LUA_TBOOLEAN => lua.truthy(2),
        _ => {
            return Err(Raise::from(format!(
                "bad argument #2 to 'select' (boolean expected, got {})",
                lua.type_name(2)
            )));
        }
    };
    if !default && may_hold_more_than_cases(lua, n) {
        lua.get_field(1, c"default");
        default = lua.kind(-1) == LUA_TBOOLEAN && lua.truthy(-1);
        lua.pop(1);
    }
    // Inline up to four cases (most selects have two or three): no heap block per call.
    let mut plans: SmallVec<[Plan; 4]> = SmallVec::with_capacity(n);
    let mut skipped = false;
    for i in 1..=n {
        // Case userdata stay on the stack (at 3, 4, ...) for the call.
        lua.get_index(1, i64::try_from(i).unwrap_or(i64::MAX));
        let case = lua.top();
        // What is not a case is skipped, as the original's `ForEach` skips it: a `nil`
        // or `false` (`{ want_b and b:case_receive(), a:case_receive() }`), and also a
        // number, a table or a channel given instead of its case.
        let c = (lua.kind(case) == LUA_TUSERDATA)
            .then(|| lua.userdata(case, &CASE).copied())
            .flatten();
        let Some(c) = c else {
            skipped |= lua.truthy(case);
            lua.pop(1);
            continue;
        };
        let value = if c.send {
            lua.push_user_value(case, 2);
            lua.top()
        } else {
            0
        };
        plans.push(Plan {
            chan: c.chan,
            send: c.send,
            value,
            case,
        });
    }
    if plans.is_empty() && !default {
        // The original would wait for ever; a clear error instead.
        let hint = if skipped {
            " (values that are no case were skipped: give ch:case_receive() or ch:case_send(v))"
        } else {
            ""
        };
        return Err(Raise::from(format!("channel.select: no cases{hint}")));
    }
    run(lua, &plans, default, true)
}

fn new(lua: Lua) -> LResult<c_int> {
    let size = if lua.is_nil(1) {
        0
    } else {
        // As the original: a fractional size is truncated, a negative one is 0.
        let n = lua.number(1).ok_or_else(|| {
            Raise::from(format!(
                "bad argument #1 to 'new' (number expected, got {})",
                lua.type_name(1)
            ))
        })?;
        // A float that is no number, infinite or past the integers (2^63 and up) is
        // unbuffered, as the original's `int(n)` of it is the least integer, which it
        // takes as 0; an integer is taken as it is. A buffer grows as it fills, so a
        // huge size costs nothing until used.
        match lua.int(1) {
            Some(i) => usize::try_from(i).unwrap_or(0),
            None if !(1.0..9_223_372_036_854_775_808.0).contains(&n) => 0,
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            None => n as usize,
        }
    };
    new_channel(lua, state(lua)?, size)?;
    Ok(1)
}

/// Pushes the `channel` global.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.new_table(0, 2);
    lua.push_fn(cfn(new));
    lua.set_field(-2, c"new");
    lua.push_fn(blocking(select));
    lua.set_field(-2, c"select");
    Ok(())
}
