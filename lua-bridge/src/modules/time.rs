//! The `time` module (reference §1.5): durations, `sleep`, `after`, `timer`, `ticker`,
//! `now`, and Time/Duration values.
//!
//! Timers are the host scheduler's timers, armed by the process driver after the call
//! that asked for them; a fired timer feeds a channel (`after`, `timer`, `ticker`) or
//! completes the sleeping coroutine's wait directly (`sleep`).

use super::errors::fail;
use crate::modules::channel::channel_userdata;
use crate::vm::{self, state::TimerTarget};
use mlua::{AnyUserData, Lua, Table, UserData, UserDataMethods, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wippy_runtime::payload::ErrorKind;
use wippy_runtime::registry::parse_duration;

/// A point in time (`time.now()`, and what timer channels deliver).
#[derive(Debug, Clone, Copy)]
pub struct LuaTime(pub SystemTime);

/// A span of time.
#[derive(Debug, Clone, Copy)]
pub struct LuaDuration(pub Duration);

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

impl UserData for LuaTime {
    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_method("unix", |_, this, ()| {
            Ok(nanos_since_epoch(this.0).div_euclid(1_000_000_000) as i64)
        });
        methods.add_method("unix_nano", |_, this, ()| {
            Ok(nanos_since_epoch(this.0) as i64)
        });
        methods.add_method("sub", |_, this, other: AnyUserData| {
            let other = other.borrow::<LuaTime>()?.0;
            let d = this.0.duration_since(other).unwrap_or_default();
            Ok(LuaDuration(d))
        });
        methods.add_method("add", |_, this, d: Value| {
            let d = duration_arg(&d).map_err(mlua::Error::runtime)?;
            Ok(LuaTime(this.0 + d))
        });
        methods.add_method("before", |_, this, other: AnyUserData| {
            Ok(this.0 < other.borrow::<LuaTime>()?.0)
        });
        methods.add_method("after", |_, this, other: AnyUserData| {
            Ok(this.0 > other.borrow::<LuaTime>()?.0)
        });
        methods.add_method("equal", |_, this, other: AnyUserData| {
            Ok(this.0 == other.borrow::<LuaTime>()?.0)
        });
        methods.add_method("format_rfc3339", |_, this, ()| Ok(rfc3339(this.0)));
        methods.add_meta_method("__tostring", |_, this, ()| Ok(rfc3339(this.0)));
    }
}

impl UserData for LuaDuration {
    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_method("nanoseconds", |_, this, ()| Ok(this.0.as_nanos() as i64));
        methods.add_method("microseconds", |_, this, ()| Ok(this.0.as_micros() as i64));
        methods.add_method("milliseconds", |_, this, ()| Ok(this.0.as_millis() as i64));
        methods.add_method("seconds", |_, this, ()| Ok(this.0.as_secs_f64()));
        methods.add_method("minutes", |_, this, ()| Ok(this.0.as_secs_f64() / 60.0));
        methods.add_method("hours", |_, this, ()| Ok(this.0.as_secs_f64() / 3600.0));
        methods.add_meta_method("__tostring", |_, this, ()| Ok(format!("{:?}", this.0)));
    }
}

/// A duration argument: nanoseconds as a number, a Go duration string, or a Duration.
pub(crate) fn duration_arg(value: &Value) -> Result<Duration, String> {
    match value {
        Value::Integer(n) if *n >= 0 => Ok(Duration::from_nanos(*n as u64)),
        Value::Number(n) if *n >= 0.0 && n.is_finite() => Ok(Duration::from_nanos(*n as u64)),
        Value::Integer(_) | Value::Number(_) => Err("duration must not be negative".into()),
        Value::String(s) => {
            let text = s.to_string_lossy();
            parse_duration(&text).map_err(|e| format!("invalid duration {text:?}: {e}"))
        }
        Value::UserData(ud) => ud
            .borrow::<LuaDuration>()
            .map(|d| d.0)
            .map_err(|_| "expected a duration".to_owned()),
        other => Err(format!("expected a duration, got {}", other.type_name())),
    }
}

fn positive(lua: &Lua, value: &Value, what: &str) -> mlua::Result<Result<Duration, Value>> {
    match duration_arg(value) {
        Ok(d) if !d.is_zero() => Ok(Ok(d)),
        Ok(_) => Ok(Err(fail(
            lua,
            ErrorKind::Invalid,
            format!("{what}: duration must be positive"),
        )?
        .1)),
        Err(e) => Ok(Err(fail(lua, ErrorKind::Invalid, format!("{what}: {e}"))?.1)),
    }
}

fn sleep_try(lua: &Lua, d: Value) -> mlua::Result<(Value, Value, Value)> {
    let d = duration_arg(&d).map_err(|e| mlua::Error::runtime(format!("time.sleep: {e}")))?;
    let mut st = vm::state(lua)?;
    let co = st.current;
    let op = st.channels.block(co, &[], None);
    st.request_timer(d, None, TimerTarget::Op(op));
    Ok((vm::wait_tag(), Value::Integer(op as i64), Value::Nil))
}

/// A `time.timer` or `time.ticker` handle.
#[derive(Debug)]
pub struct LuaTimer {
    token: u64,
    channel: AnyUserData,
}

impl UserData for LuaTimer {
    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_method("response", |_, this, ()| Ok(this.channel.clone()));
        methods.add_method("channel", |_, this, ()| Ok(this.channel.clone()));
        methods.add_method("stop", |lua, this, ()| {
            Ok(vm::state(lua)?.stop_timer(this.token))
        });
        methods.add_method("reset", |lua, this, d: Value| {
            let d =
                duration_arg(&d).map_err(|e| mlua::Error::runtime(format!("timer:reset: {e}")))?;
            Ok(vm::state(lua)?.reset_timer(this.token, d))
        });
    }
}

fn channel_timer(
    lua: &Lua,
    d: Duration,
    period: Option<Duration>,
) -> mlua::Result<(u64, AnyUserData)> {
    let mut st = vm::state(lua)?;
    let cap = if period.is_some() { 16 } else { 1 };
    let chan = st.channels.create(cap, crate::vm::channel::Feed::Timer);
    st.feeds.insert(chan, crate::vm::channel::Feed::Timer);
    let token = st.request_timer(d, period, TimerTarget::Chan(chan));
    drop(st);
    Ok((token, channel_userdata(lua, chan)?))
}

/// The `time` module table.
pub(crate) fn module(lua: &Lua) -> mlua::Result<Table> {
    let wrap = vm::blocking_wrapper(lua)?;
    let time = lua.create_table()?;
    time.raw_set(
        "sleep",
        wrap.call::<mlua::Function>(lua.create_function(sleep_try)?)?,
    )?;
    time.raw_set(
        "after",
        lua.create_function(|lua, d: Value| match positive(lua, &d, "time.after")? {
            Ok(d) => Ok((Value::UserData(channel_timer(lua, d, None)?.1), Value::Nil)),
            Err(err) => Ok((Value::Nil, err)),
        })?,
    )?;
    time.raw_set(
        "timer",
        lua.create_function(|lua, d: Value| match positive(lua, &d, "time.timer")? {
            Ok(d) => {
                let (token, channel) = channel_timer(lua, d, None)?;
                Ok((
                    Value::UserData(lua.create_userdata(LuaTimer { token, channel })?),
                    Value::Nil,
                ))
            }
            Err(err) => Ok((Value::Nil, err)),
        })?,
    )?;
    time.raw_set(
        "ticker",
        lua.create_function(|lua, d: Value| match positive(lua, &d, "time.ticker")? {
            Ok(d) => {
                let (token, channel) = channel_timer(lua, d, Some(d))?;
                Ok((
                    Value::UserData(lua.create_userdata(LuaTimer { token, channel })?),
                    Value::Nil,
                ))
            }
            Err(err) => Ok((Value::Nil, err)),
        })?,
    )?;
    time.raw_set(
        "now",
        lua.create_function(|_, ()| Ok(LuaTime(SystemTime::now())))?,
    )?;
    time.raw_set(
        "unix",
        lua.create_function(|_, (sec, nsec): (i64, Option<i64>)| {
            let nanos = i128::from(sec) * 1_000_000_000 + i128::from(nsec.unwrap_or(0));
            let t = if nanos >= 0 {
                UNIX_EPOCH + Duration::from_nanos(nanos as u64)
            } else {
                UNIX_EPOCH - Duration::from_nanos((-nanos) as u64)
            };
            Ok(LuaTime(t))
        })?,
    )?;
    time.raw_set(
        "parse_duration",
        lua.create_function(|lua, v: Value| match duration_arg(&v) {
            Ok(d) => Ok((
                Value::UserData(lua.create_userdata(LuaDuration(d))?),
                Value::Nil,
            )),
            Err(e) => fail(lua, ErrorKind::Invalid, e),
        })?,
    )?;
    for (name, nanos) in [
        ("NANOSECOND", 1_i64),
        ("MICROSECOND", 1_000),
        ("MILLISECOND", 1_000_000),
        ("SECOND", 1_000_000_000),
        ("MINUTE", 60_000_000_000),
        ("HOUR", 3_600_000_000_000),
    ] {
        time.raw_set(name, nanos)?;
    }
    time.raw_set("RFC3339", "2006-01-02T15:04:05Z07:00")?;
    Ok(time)
}
