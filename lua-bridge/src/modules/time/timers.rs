//! `time.sleep`, `time.after`, `time.timer` and `time.ticker`.
//!
//! Timers are the host scheduler's timers, armed by the process driver after the call
//! that asked for them; a fired timer feeds a channel (`after`, `timer`, `ticker`) or
//! completes the sleeping coroutine's wait directly (`sleep`).

use super::duration::duration_arg;
use crate::modules::channel::{channel_id, new_channel};
use crate::modules::errors::fail;
use crate::vm::lua::{CFn, LResult, Lua, Raise, Ret, UserType, cfn, method_index};
use crate::vm::ops::block;
use crate::vm::state::{TimerTarget, state};
use std::ffi::c_int;
use std::time::Duration;
use wippy_runtime::payload::ErrorKind;

/// A `time.timer` or `time.ticker` handle (user value 1: its channel).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LuaTimer {
    token: u64,
    period: Option<Duration>,
}

method_index!(fn timer_index {
    b"response" => cfn(timer_channel),
    b"channel" => cfn(timer_channel),
    b"stop" => cfn(timer_stop),
    b"reset" => cfn(timer_reset),
});

static TIMER: UserType<LuaTimer> = UserType::new(c"wippy.timer", Some(timer_index as CFn), &[]);

// A ticker has no `reset`, as the original's (`registerTickerMethods`): `tk:reset(d)`
// raises as a call of a missing method does.
method_index!(fn ticker_index {
    b"response" => cfn(timer_channel),
    b"channel" => cfn(timer_channel),
    b"stop" => cfn(timer_stop),
});

static TICKER: UserType<LuaTimer> = UserType::new(c"wippy.ticker", Some(ticker_index as CFn), &[]);

/// A positive duration argument, or the `nil, err` to return.
fn positive(lua: Lua, what: &str) -> LResult<Result<Duration, c_int>> {
    match duration_arg(lua, 1) {
        Ok(d) if !d.is_zero() => Ok(Ok(d)),
        Ok(_) => Ok(Err(fail(
            lua,
            ErrorKind::Invalid,
            format!("{what}: duration must be positive"),
        )?)),
        Err(e) => Ok(Err(fail(lua, ErrorKind::Invalid, format!("{what}: {e}"))?)),
    }
}

/// `time.sleep(d)`: suspends the coroutine for `d`; a bad duration is `nil, err` (kind
/// `INVALID`) and a negative one sleeps 0, as the original's `sleepFunc`.
pub(crate) fn sleep(lua: Lua) -> LResult<Ret> {
    // A negative duration sleeps 0, as the original's (which checks only the form).
    let d = match super::duration::signed_duration_arg(lua, 1) {
        Ok(nanos) => Duration::from_nanos(u64::try_from(nanos).unwrap_or(0)),
        Err(e) => {
            return fail(lua, ErrorKind::Invalid, format!("time.sleep: {e}")).map(Ret::Values);
        }
    };
    let st = state(lua)?;
    let ret = block(lua, st, crate::vm::channel::Cases::new(), None)?;
    if let Ret::Block(op) = ret {
        st.request_timer(d, None, TimerTarget::Op(op));
    }
    Ok(ret)
}

/// A new timer channel fed after `d` (every `period` for a ticker); pushes the channel.
fn channel_timer(lua: Lua, d: Duration, period: Option<Duration>) -> LResult<u64> {
    let st = state(lua)?;
    let cap = if period.is_some() { 16 } else { 1 };
    let chan = new_channel(lua, st, cap)?;
    st.feeds.insert(chan, crate::vm::channel::Feed::Timer);
    let token = st.request_timer(d, period, TimerTarget::Chan(chan));
    Ok(token)
}

/// `time.after(d) -> channel | nil, err`.
pub(crate) fn after(lua: Lua) -> LResult<c_int> {
    match positive(lua, "time.after")? {
        Ok(d) => {
            channel_timer(lua, d, None)?;
            Ok(1)
        }
        Err(n) => Ok(n),
    }
}

fn timer_handle(lua: Lua, what: &str, periodic: bool) -> LResult<c_int> {
    let d = match positive(lua, what)? {
        Ok(d) => d,
        Err(n) => return Ok(n),
    };
    lua.ensure(3)?;
    let period = periodic.then_some(d);
    let token = channel_timer(lua, d, period)?;
    let kind = if periodic { &TICKER } else { &TIMER };
    lua.push_userdata_with(LuaTimer { token, period }, kind, 1);
    lua.insert(-2);
    lua.set_user_value(-2, 1);
    Ok(1)
}

/// `time.timer(d) -> Timer | nil, err`.
pub(crate) fn timer(lua: Lua) -> LResult<c_int> {
    timer_handle(lua, "time.timer", false)
}

/// `time.ticker(d) -> Ticker | nil, err`.
pub(crate) fn ticker(lua: Lua) -> LResult<c_int> {
    timer_handle(lua, "time.ticker", true)
}

fn this_timer(lua: Lua) -> LResult<LuaTimer> {
    lua.userdata(1, &TIMER)
        .or_else(|| lua.userdata(1, &TICKER))
        .copied()
        .ok_or_else(|| lua.bad_self("timer", "t"))
}

fn timer_channel(lua: Lua) -> LResult<c_int> {
    this_timer(lua)?;
    lua.push_user_value(1, 1);
    Ok(1)
}

/// `t:stop() -> bool`: for a timer, `true` if it was still active; for a ticker always
/// `true`, as the original's `TickerStopYield`. The channel closes, as the original's
/// (`TimerStopYield` unsubscribes it): a receive on it then gives `nil, false` once what
/// it holds is taken.
fn timer_stop(lua: Lua) -> LResult<c_int> {
    let t = this_timer(lua)?;
    let chan = timer_chan(lua)?;
    let st = state(lua)?;
    let stopped = st.stop_timer(t.token);
    st.channels.close(chan);
    lua.push_bool(stopped || t.period.is_some());
    Ok(1)
}

/// The channel of the timer at 1.
fn timer_chan(lua: Lua) -> LResult<crate::vm::channel::ChanId> {
    lua.push_user_value(1, 1);
    let chan = channel_id(lua, -1);
    lua.pop(1);
    chan.ok_or_else(|| Raise::from("the timer has no channel"))
}

fn timer_reset(lua: Lua) -> LResult<c_int> {
    let t = this_timer(lua)?;
    let d = duration_arg(lua, 2).map_err(|e| Raise::from(format!("timer:reset: {e}")))?;
    if d.is_zero() {
        // As the original, which raises here too (the constructors return `nil, err`).
        return Err(Raise::from("timer:reset: duration must be > 0"));
    }
    let chan = timer_chan(lua)?;
    let st = state(lua)?;
    // A timer that fired (one-shot) or was stopped has closed its channel, as the
    // original's: there is nothing left to feed, and `reset` says it was not active.
    let was_active = !st.channels.is_closed(chan) && {
        let period = t.period.map(|_| d);
        st.reset_timer(t.token, chan, d, period)
    };
    lua.push_bool(was_active);
    Ok(1)
}
