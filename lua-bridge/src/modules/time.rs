//! The `time` module (reference §1.5): durations, `sleep`, `after`, `timer`, `ticker`,
//! `now`, and Time/Duration values.
//!
//! Timers are the host scheduler's timers, armed by the process driver after the call
//! that asked for them; a fired timer feeds a channel (`after`, `timer`, `ticker`) or
//! completes the sleeping coroutine's wait directly (`sleep`).

use super::errors::fail;
use crate::modules::channel::{channel_id, new_channel};
use crate::vm::lua::{
    CFn, LResult, LUA_TNUMBER, LUA_TSTRING, LUA_TUSERDATA, Lua, Raise, Ret, UserType, blocking,
    cfn, method_index,
};
use crate::vm::ops::block;
use crate::vm::state::{TimerTarget, state};
use std::ffi::c_int;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wippy_runtime::payload::ErrorKind;
use wippy_runtime::registry::parse_duration;

/// A point in time (`time.now()`, and what timer channels deliver).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LuaTime(pub(crate) SystemTime);

/// A span of time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LuaDuration(pub(crate) Duration);

/// A `time.timer` or `time.ticker` handle (user value 1: its channel).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LuaTimer {
    token: u64,
    period: Option<Duration>,
}

method_index!(fn time_index {
    b"unix" => cfn(time_unix),
    b"unix_nano" => cfn(time_unix_nano),
    b"sub" => cfn(time_sub),
    b"add" => cfn(time_add),
    b"before" => cfn(time_before),
    b"after" => cfn(time_after),
    b"equal" => cfn(time_equal),
    b"format_rfc3339" => cfn(time_tostring),
});

method_index!(fn duration_index {
    b"nanoseconds" => cfn(duration_nanoseconds),
    b"microseconds" => cfn(duration_microseconds),
    b"milliseconds" => cfn(duration_milliseconds),
    b"seconds" => cfn(duration_seconds),
    b"minutes" => cfn(duration_minutes),
    b"hours" => cfn(duration_hours),
});

method_index!(fn timer_index {
    b"response" => cfn(timer_channel),
    b"channel" => cfn(timer_channel),
    b"stop" => cfn(timer_stop),
    b"reset" => cfn(timer_reset),
});

static TIME: UserType<LuaTime> = UserType::new(
    c"wippy.time",
    Some(time_index as CFn),
    &[("__tostring", cfn(time_tostring))],
);
static DURATION: UserType<LuaDuration> = UserType::new(
    c"wippy.duration",
    Some(duration_index as CFn),
    &[("__tostring", cfn(duration_tostring))],
);
static TIMER: UserType<LuaTimer> = UserType::new(c"wippy.timer", Some(timer_index as CFn), &[]);

fn nanos_since_epoch(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

fn rfc3339(t: SystemTime) -> String {
    let nanos = nanos_since_epoch(t);
    let secs = nanos.div_euclid(1_000_000_000) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn time_at(lua: Lua, idx: c_int) -> LResult<SystemTime> {
    lua.userdata(idx, &TIME)
        .map(|t| t.0)
        .ok_or_else(|| Raise::from(format!("expected a time value, got {}", lua.type_name(idx))))
}

fn duration_at(lua: Lua, idx: c_int) -> LResult<Duration> {
    lua.userdata(idx, &DURATION)
        .map(|d| d.0)
        .ok_or_else(|| Raise::from("expected a duration (use d:method())"))
}

/// Pushes `time.now()`.
pub(crate) fn push_now(lua: Lua) {
    push_time(lua, SystemTime::now());
}

/// Pushes a Time value for `at`.
pub(crate) fn push_time(lua: Lua, at: SystemTime) {
    lua.push_userdata(LuaTime(at), &TIME);
}

fn time_unix(lua: Lua) -> LResult<c_int> {
    let t = time_at(lua, 1)?;
    lua.push_int(nanos_since_epoch(t).div_euclid(1_000_000_000) as i64);
    Ok(1)
}

fn time_unix_nano(lua: Lua) -> LResult<c_int> {
    let t = time_at(lua, 1)?;
    lua.push_int(nanos_since_epoch(t) as i64);
    Ok(1)
}

fn time_sub(lua: Lua) -> LResult<c_int> {
    let (a, b) = (time_at(lua, 1)?, time_at(lua, 2)?);
    lua.push_userdata(
        LuaDuration(a.duration_since(b).unwrap_or_default()),
        &DURATION,
    );
    Ok(1)
}

fn time_add(lua: Lua) -> LResult<c_int> {
    let t = time_at(lua, 1)?;
    let d = duration_arg(lua, 2).map_err(Raise::from)?;
    lua.push_userdata(LuaTime(t + d), &TIME);
    Ok(1)
}

fn time_before(lua: Lua) -> LResult<c_int> {
    let r = time_at(lua, 1)? < time_at(lua, 2)?;
    lua.push_bool(r);
    Ok(1)
}

fn time_after(lua: Lua) -> LResult<c_int> {
    let r = time_at(lua, 1)? > time_at(lua, 2)?;
    lua.push_bool(r);
    Ok(1)
}

fn time_equal(lua: Lua) -> LResult<c_int> {
    let r = time_at(lua, 1)? == time_at(lua, 2)?;
    lua.push_bool(r);
    Ok(1)
}

fn time_tostring(lua: Lua) -> LResult<c_int> {
    let t = time_at(lua, 1)?;
    lua.push_str(&rfc3339(t));
    Ok(1)
}

fn duration_nanoseconds(lua: Lua) -> LResult<c_int> {
    lua.push_int(i64::try_from(duration_at(lua, 1)?.as_nanos()).unwrap_or(i64::MAX));
    Ok(1)
}

fn duration_microseconds(lua: Lua) -> LResult<c_int> {
    lua.push_int(i64::try_from(duration_at(lua, 1)?.as_micros()).unwrap_or(i64::MAX));
    Ok(1)
}

fn duration_milliseconds(lua: Lua) -> LResult<c_int> {
    lua.push_int(i64::try_from(duration_at(lua, 1)?.as_millis()).unwrap_or(i64::MAX));
    Ok(1)
}

fn duration_seconds(lua: Lua) -> LResult<c_int> {
    lua.push_number(duration_at(lua, 1)?.as_secs_f64());
    Ok(1)
}

fn duration_minutes(lua: Lua) -> LResult<c_int> {
    lua.push_number(duration_at(lua, 1)?.as_secs_f64() / 60.0);
    Ok(1)
}

fn duration_hours(lua: Lua) -> LResult<c_int> {
    lua.push_number(duration_at(lua, 1)?.as_secs_f64() / 3600.0);
    Ok(1)
}

fn duration_tostring(lua: Lua) -> LResult<c_int> {
    let d = duration_at(lua, 1)?;
    lua.push_str(&format!("{d:?}"));
    Ok(1)
}

/// A duration argument: nanoseconds as a number, a Go duration string, or a Duration.
pub(crate) fn duration_arg(lua: Lua, idx: c_int) -> Result<Duration, String> {
    match lua.kind(idx) {
        LUA_TNUMBER => match lua.int(idx) {
            Some(n) if n >= 0 => Ok(Duration::from_nanos(n as u64)),
            Some(_) => Err("duration must not be negative".into()),
            None => {
                let n = lua.number(idx).unwrap_or(-1.0);
                if n >= 0.0 && n.is_finite() {
                    Ok(Duration::from_nanos(n as u64))
                } else {
                    Err("duration must not be negative".into())
                }
            }
        },
        LUA_TSTRING => {
            let text = lua.string(idx).unwrap_or_default();
            parse_duration(&text).map_err(|e| format!("invalid duration {text:?}: {e}"))
        }
        LUA_TUSERDATA => lua
            .userdata(idx, &DURATION)
            .map(|d| d.0)
            .ok_or_else(|| "expected a duration".to_owned()),
        _ => Err(format!("expected a duration, got {}", lua.type_name(idx))),
    }
}

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

fn sleep(lua: Lua) -> LResult<Ret> {
    let d = duration_arg(lua, 1).map_err(|e| Raise::from(format!("time.sleep: {e}")))?;
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

fn after(lua: Lua) -> LResult<c_int> {
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
    lua.push_userdata_with(LuaTimer { token, period }, &TIMER, 1);
    lua.insert(-2);
    lua.set_user_value(-2, 1);
    Ok(1)
}

fn timer(lua: Lua) -> LResult<c_int> {
    timer_handle(lua, "time.timer", false)
}

fn ticker(lua: Lua) -> LResult<c_int> {
    timer_handle(lua, "time.ticker", true)
}

fn this_timer(lua: Lua) -> LResult<LuaTimer> {
    lua.userdata(1, &TIMER)
        .copied()
        .ok_or_else(|| Raise::from("expected a timer (use t:method())"))
}

fn timer_channel(lua: Lua) -> LResult<c_int> {
    this_timer(lua)?;
    lua.push_user_value(1, 1);
    Ok(1)
}

fn timer_stop(lua: Lua) -> LResult<c_int> {
    let t = this_timer(lua)?;
    let stopped = state(lua)?.stop_timer(t.token);
    lua.push_bool(stopped);
    Ok(1)
}

fn timer_reset(lua: Lua) -> LResult<c_int> {
    let t = this_timer(lua)?;
    let d = duration_arg(lua, 2).map_err(|e| Raise::from(format!("timer:reset: {e}")))?;
    lua.push_user_value(1, 1);
    let Some(chan) = channel_id(lua, -1) else {
        return Err(Raise::from("timer:reset: the timer has no channel"));
    };
    lua.pop(1);
    let period = t.period.map(|_| d);
    let was_active = state(lua)?.reset_timer(t.token, chan, d, period);
    lua.push_bool(was_active);
    Ok(1)
}

fn now(lua: Lua) -> LResult<c_int> {
    push_now(lua);
    Ok(1)
}

fn unix(lua: Lua) -> LResult<c_int> {
    let sec = lua
        .integral(1)
        .ok_or_else(|| Raise::from("time.unix: seconds must be an integer"))?;
    let nsec = if lua.is_nil(2) {
        0
    } else {
        lua.integral(2)
            .ok_or_else(|| Raise::from("time.unix: nanoseconds must be an integer"))?
    };
    let nanos = i128::from(sec) * 1_000_000_000 + i128::from(nsec);
    let magnitude = Duration::from_nanos(u64::try_from(nanos.unsigned_abs()).unwrap_or(u64::MAX));
    let t = if nanos >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    }
    .ok_or_else(|| Raise::from("time.unix: out of range"))?;
    lua.push_userdata(LuaTime(t), &TIME);
    Ok(1)
}

fn parse(lua: Lua) -> LResult<c_int> {
    match duration_arg(lua, 1) {
        Ok(d) => {
            lua.push_userdata(LuaDuration(d), &DURATION);
            Ok(1)
        }
        Err(e) => fail(lua, ErrorKind::Invalid, e),
    }
}

/// Pushes the `time` module table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(4)?;
    lua.new_table(0, 16);
    for (name, f) in [
        ("sleep", blocking(sleep)),
        ("after", cfn(after)),
        ("timer", cfn(timer)),
        ("ticker", cfn(ticker)),
        ("now", cfn(now)),
        ("unix", cfn(unix)),
        ("parse_duration", cfn(parse)),
    ] {
        lua.push_fn(f);
        lua.set_field_str(-2, name);
    }
    for (name, nanos) in [
        ("NANOSECOND", 1_i64),
        ("MICROSECOND", 1_000),
        ("MILLISECOND", 1_000_000),
        ("SECOND", 1_000_000_000),
        ("MINUTE", 60_000_000_000),
        ("HOUR", 3_600_000_000_000),
    ] {
        lua.push_int(nanos);
        lua.set_field_str(-2, name);
    }
    lua.push_str("2006-01-02T15:04:05Z07:00");
    lua.set_field(-2, c"RFC3339");
    Ok(())
}
