//! Duration values: Go's `time.Duration`, a signed count of nanoseconds.
//!
//! A duration argument is a number (nanoseconds), a Go duration string (`"1h30m"`,
//! `"-5ms"`) or a Duration userdata (`time.parse_duration`, `t1:sub(t2)`).

use crate::modules::errors::fail;
use crate::vm::lua::{
    CFn, LResult, LUA_TNUMBER, LUA_TSTRING, Lua, Raise, UserType, cfn, method_index,
};
use std::ffi::c_int;
use std::time::Duration;
use wippy_runtime::payload::ErrorKind;
use wippy_runtime::registry::parse_duration as parse_unsigned;

/// A span of time in nanoseconds; negative when it goes back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LuaDuration(pub(crate) i64);

const SECOND: i64 = 1_000_000_000;

method_index!(fn duration_index {
    b"nanoseconds" => cfn(nanoseconds),
    b"microseconds" => cfn(microseconds),
    b"milliseconds" => cfn(milliseconds),
    b"seconds" => cfn(seconds),
    b"minutes" => cfn(minutes),
    b"hours" => cfn(hours),
});

static DURATION: UserType<LuaDuration> = UserType::new(
    c"wippy.duration",
    Some(duration_index as CFn),
    &[("__tostring", cfn(tostring))],
);

/// Pushes a Duration value of `nanos`.
pub(crate) fn push_duration(lua: Lua, nanos: i64) {
    lua.push_userdata(LuaDuration(nanos), &DURATION);
}

/// The Duration userdata at `idx`, if it is one.
pub(crate) fn duration_value(lua: Lua, idx: c_int) -> Option<i64> {
    lua.userdata(idx, &DURATION).map(|d| d.0)
}

/// Go's `time.ParseDuration`: an optional sign, then number-unit pairs.
pub(crate) fn parse_go_duration(text: &str) -> Result<i64, String> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let invalid = |why: &dyn std::fmt::Display| format!("invalid duration {}: {why}", quoted(text));
    let d = parse_unsigned(unsigned).map_err(|e| invalid(&e))?;
    let nanos = i128::try_from(d.as_nanos()).unwrap_or(i128::MAX);
    let nanos = if negative { -nanos } else { nanos };
    i64::try_from(nanos).map_err(|_| invalid(&"duration too large"))
}

/// The most characters of a text an error message quotes.
pub(crate) const QUOTED_CHARS: usize = 64;

/// `text` quoted for an error message: whole when it is short, else its first
/// [`QUOTED_CHARS`] characters, `…` and its length (a script may pass kilobytes).
pub(crate) fn quoted(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!("{:?}… ({} bytes)", &text[..cut], text.len()),
    }
}

/// A duration argument (number of nanoseconds, Go duration string or Duration), signed.
pub(crate) fn signed_duration_arg(lua: Lua, idx: c_int) -> Result<i64, String> {
    match lua.kind(idx) {
        LUA_TNUMBER => match lua.int(idx) {
            Some(n) => Ok(n),
            // Go converts a float to a Duration by truncation; one past a Duration's
            // range, or NaN, is an error here, as the same duration written as text is.
            None => {
                let n = lua.number(idx).unwrap_or(0.0);
                if n.is_nan() {
                    Err("duration is not a number (NaN)".to_owned())
                } else if n.abs() >= crate::modules::casts::TWO_POW_63 {
                    Err("duration too large".to_owned())
                } else {
                    #[allow(clippy::cast_possible_truncation)]
                    Ok(n as i64)
                }
            }
        },
        LUA_TSTRING => parse_go_duration(&lua.string(idx).unwrap_or_default()),
        _ => duration_value(lua, idx).ok_or_else(|| {
            format!(
                "duration must be a number, a string or a Duration, got {}",
                lua.type_name(idx)
            )
        }),
    }
}

/// A duration argument that must not be negative (for sleeps and timers).
pub(crate) fn duration_arg(lua: Lua, idx: c_int) -> Result<Duration, String> {
    let nanos = signed_duration_arg(lua, idx)?;
    u64::try_from(nanos)
        .map(Duration::from_nanos)
        .map_err(|_| "duration must not be negative".to_owned())
}

/// `time.parse_duration(v) -> Duration | nil, err` (INVALID).
pub(crate) fn parse_duration(lua: Lua) -> LResult<c_int> {
    match signed_duration_arg(lua, 1) {
        Ok(d) => {
            push_duration(lua, d);
            Ok(1)
        }
        Err(e) => fail(lua, ErrorKind::Invalid, format!("time.parse_duration: {e}")),
    }
}

/// The Duration a method `method` was called on.
fn this(lua: Lua, method: &str) -> LResult<i64> {
    duration_value(lua, 1).ok_or_else(|| {
        Raise::from(format!(
            "bad argument #1 to '{method}' (duration expected; call it as d:{method}())"
        ))
    })
}

/// Go's `Duration.Seconds`-style split: whole units plus the fraction, as a float.
#[allow(clippy::cast_precision_loss)]
fn in_units(nanos: i64, unit: i64) -> f64 {
    (nanos / unit) as f64 + (nanos % unit) as f64 / unit as f64
}

fn nanoseconds(lua: Lua) -> LResult<c_int> {
    lua.push_int(this(lua, "nanoseconds")?);
    Ok(1)
}

fn microseconds(lua: Lua) -> LResult<c_int> {
    lua.push_int(this(lua, "microseconds")? / 1_000);
    Ok(1)
}

fn milliseconds(lua: Lua) -> LResult<c_int> {
    lua.push_int(this(lua, "milliseconds")? / 1_000_000);
    Ok(1)
}

fn seconds(lua: Lua) -> LResult<c_int> {
    lua.push_number(in_units(this(lua, "seconds")?, SECOND));
    Ok(1)
}

fn minutes(lua: Lua) -> LResult<c_int> {
    lua.push_number(in_units(this(lua, "minutes")?, 60 * SECOND));
    Ok(1)
}

fn hours(lua: Lua) -> LResult<c_int> {
    lua.push_number(in_units(this(lua, "hours")?, 3600 * SECOND));
    Ok(1)
}

fn tostring(lua: Lua) -> LResult<c_int> {
    lua.push_str(&go_string(this(lua, "tostring")?));
    Ok(1)
}

/// `v` over `10^prec` in decimal, trailing zeros (and a bare point) dropped.
fn with_fraction(v: u64, prec: u32) -> String {
    let scale = 10_u64.pow(prec);
    let (whole, frac) = (v / scale, v % scale);
    if frac == 0 {
        return whole.to_string();
    }
    let digits = format!("{frac:0width$}", width = prec as usize);
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// Go's `Duration.String`: `1h30m0s`, `1.5s`, `250µs`, `0s`, `-2m3s`.
pub(crate) fn go_string(nanos: i64) -> String {
    let u = nanos.unsigned_abs();
    let sign = if nanos < 0 { "-" } else { "" };
    let second = SECOND.unsigned_abs();
    let body = if u == 0 {
        "0s".to_owned()
    } else if u < 1_000 {
        format!("{u}ns")
    } else if u < 1_000_000 {
        format!("{}µs", with_fraction(u, 3))
    } else if u < second {
        format!("{}ms", with_fraction(u, 6))
    } else {
        let secs = with_fraction(u % (60 * second), 9);
        let minutes = u / (60 * second);
        match (minutes / 60, minutes % 60) {
            (0, 0) => format!("{secs}s"),
            (0, m) => format!("{m}m{secs}s"),
            (h, m) => format!("{h}h{m}m{secs}s"),
        }
    };
    format!("{sign}{body}")
}
