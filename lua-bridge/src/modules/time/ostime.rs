//! The `os` global: `time`, `date`, `clock`, `difftime` and `platform`, as the
//! original's `ostime` module makes them (reference §0: `os` keeps its clock functions
//! only), which follows Go's calendar rather than C's:
//!
//! - `os.time(t)` reads the fields of `t` raw, truncating numbers and ignoring anything
//!   else; a missing `year`, `month` or `day` is today's, a missing `hour`, `min` or
//!   `sec` is 0 (C Lua takes noon and refuses a missing day); out-of-range fields carry
//!   over as in Go's `time.Date` (month 13 is January of the next year);
//! - `os.date(format, t)` writes the original's specifiers with Go's layouts, an unknown
//!   one as it stands (`%Q` stays `%Q`) and a `%` at the end as itself (C's `strftime`
//!   raises for both); `%U` is the ISO week, as `%W`;
//! - `os.clock()` is the wall-clock seconds since the runtime started (C's is the CPU
//!   time of the whole node, which a process that waits does not move).
//!
//! Each is a plain C function over Rust; the table is made when a process first reads
//! `os` (`setup.rs`).

use super::calendar;
use super::location::Location;
use super::value::format_at;
use crate::vm::lua::{LResult, Lua, Raise, cfn};
use jiff::Timestamp;
use mlua::ffi;
use std::ffi::c_int;
use std::sync::OnceLock;
use std::time::Instant;

/// When the runtime started, for `os.clock` (the original's package-level `startTime`).
static STARTED: OnceLock<Instant> = OnceLock::new();

/// Marks the runtime's start for `os.clock` (the first call counts; a clock read before
/// any call counts from that read).
pub(crate) fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// Pushes a new `os` table.
pub(crate) fn push_os(lua: Lua) -> LResult<()> {
    lua.ensure(3)?;
    lua.new_table(0, 5);
    for (name, f) in [
        ("time", cfn(os_time)),
        ("date", cfn(os_date)),
        ("clock", cfn(os_clock)),
        ("difftime", cfn(os_difftime)),
    ] {
        lua.push_fn(f);
        lua.set_field_str(-2, name);
    }
    lua.push_str("wippy");
    lua.set_field_str(-2, "platform");
    Ok(())
}

fn out_of_range(what: &str) -> Raise {
    Raise::from(format!("{what}: time out of range (years -9999 to 9999)"))
}

/// A number argument: a number, or a string that reads as one (`luaL_checknumber`).
fn number_arg(lua: Lua, idx: c_int, what: &str) -> LResult<f64> {
    let mut is_number = 0;
    // SAFETY: live state; `lua_tonumberx` reads the slot and converts nothing in place.
    let n = unsafe { ffi::lua_tonumberx(lua.raw(), idx, &mut is_number) };
    if is_number == 0 {
        return Err(Raise::from(format!(
            "bad argument #{idx} to '{what}' (number expected, got {})",
            lua.type_name(idx)
        )));
    }
    Ok(n)
}

/// A float as Go's `int64(f)`: truncated toward zero, saturating (Go leaves the
/// out-of-range case to the machine; a saturated value is out of the calendar's range
/// anyway).
fn truncate(n: f64) -> i64 {
    if n.is_nan() {
        return 0;
    }
    #[allow(clippy::cast_possible_truncation)]
    let i = n as i64;
    i
}

/// `os.clock()`: seconds since the runtime started.
fn os_clock(lua: Lua) -> LResult<c_int> {
    let started = *STARTED.get_or_init(Instant::now);
    lua.push_number(started.elapsed().as_secs_f64());
    Ok(1)
}

/// `os.difftime(t2, t1)`: `t2 - t1`, both required.
fn os_difftime(lua: Lua) -> LResult<c_int> {
    let t2 = number_arg(lua, 1, "difftime")?;
    let t1 = number_arg(lua, 2, "difftime")?;
    lua.push_number(t2 - t1);
    Ok(1)
}

/// `os.time([t])`: now, or the local time the fields of table `t` name, in whole Unix
/// seconds.
fn os_time(lua: Lua) -> LResult<c_int> {
    let now = Timestamp::now();
    // SAFETY: live state; reads the number of arguments.
    if unsafe { ffi::lua_gettop(lua.raw()) } == 0 {
        lua.push_int(now.as_second());
        return Ok(1);
    }
    if lua.kind(1) != ffi::LUA_TTABLE {
        return Err(Raise::from(format!(
            "bad argument #1 to 'time' (table expected, got {})",
            lua.type_name(1)
        )));
    }
    let local = Location::local();
    let today = local.tz.to_datetime(now);
    let year = int_field(lua, c"year", i64::from(today.year()))?;
    let month = int_field(lua, c"month", i64::from(today.month()))?;
    let day = int_field(lua, c"day", i64::from(today.day()))?;
    let hour = int_field(lua, c"hour", 0)?;
    let minute = int_field(lua, c"min", 0)?;
    let second = int_field(lua, c"sec", 0)?;
    let at = calendar::date(year, month, day, hour, minute, second, 0, &local)
        .ok_or_else(|| out_of_range("os.time"))?;
    lua.push_int(at.as_second());
    Ok(1)
}

/// Field `key` of the table at 1, read raw: a number truncated, anything else `default`
/// (the original's `getIntField`).
fn int_field(lua: Lua, key: &std::ffi::CStr, default: i64) -> LResult<i64> {
    lua.ensure(2)?;
    // SAFETY: live state with room for two slots; index 1 is a table (checked by the
    // caller); a raw get runs no metamethod and raises nothing.
    let kind = unsafe {
        ffi::lua_pushstring(lua.raw(), key.as_ptr());
        ffi::lua_rawget(lua.raw(), 1)
    };
    let value = if kind == ffi::LUA_TNUMBER {
        lua.int(-1)
            .unwrap_or_else(|| truncate(lua.number(-1).unwrap_or(0.0)))
    } else {
        default
    };
    lua.pop(1);
    Ok(value)
}

/// `os.date([format [, t]])`: the time `t` (default now) in the local zone, or in UTC
/// when the format starts with `!`, as text, or as a table for `*t`.
fn os_date(lua: Lua) -> LResult<c_int> {
    let format = match lua.kind(1) {
        ffi::LUA_TNONE | ffi::LUA_TNIL => b"%c".to_vec(),
        _ => lua.check_string(1, "date")?.into_bytes(),
    };
    let at = match lua.kind(2) {
        ffi::LUA_TNONE => Timestamp::now(),
        _ => {
            let seconds = truncate(number_arg(lua, 2, "date")?);
            Timestamp::from_second(seconds).map_err(|_| out_of_range("os.date"))?
        }
    };
    let (format, loc) = match format.strip_prefix(b"!") {
        Some(rest) => (rest, Location::utc()),
        None => (&format[..], Location::local()),
    };
    if format == b"*t" {
        push_date_table(lua, at, &loc)?;
        return Ok(1);
    }
    // A text of the script's size (its format): dropped before a memory error is raised.
    lua.try_push_bytes(&format_date(format, at, &loc))?;
    Ok(1)
}

/// The `*t` table: `year`, `month`, `day`, `hour`, `min`, `sec`, `wday` (Sunday 1),
/// `yday` and `isdst`, which the original sets when the zone's offset is not zero
/// (its `_, isDST := t.Zone()` takes the offset).
fn push_date_table(lua: Lua, at: Timestamp, loc: &Location) -> LResult<()> {
    let dt = loc.tz.to_datetime(at);
    let (offset, _) = loc.zone_at(at);
    lua.ensure(3)?;
    lua.new_table(0, 9);
    for (name, value) in [
        ("year", i64::from(dt.year())),
        ("month", i64::from(dt.month())),
        ("day", i64::from(dt.day())),
        ("hour", i64::from(dt.hour())),
        ("min", i64::from(dt.minute())),
        ("sec", i64::from(dt.second())),
        ("wday", i64::from(dt.weekday().to_sunday_zero_offset()) + 1),
        ("yday", i64::from(dt.day_of_year())),
    ] {
        lua.push_int(value);
        lua.set_field_str(-2, name);
    }
    lua.push_bool(offset != 0);
    lua.set_field_str(-2, "isdst");
    Ok(())
}

/// The original's `formatDate`: three whole formats, else each `%x` by
/// [`specifier`], the rest as it stands.
fn format_date(format: &[u8], at: Timestamp, loc: &Location) -> Vec<u8> {
    match format {
        b"%c" => return format_at(at, loc, C_LAYOUT),
        b"%x" => return format_at(at, loc, b"01/02/06"),
        b"%X" => return format_at(at, loc, b"15:04:05"),
        _ => {}
    }
    let mut out = Vec::with_capacity(format.len() + 16);
    let mut bytes = format.iter().copied();
    while let Some(b) = bytes.next() {
        if b != b'%' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(spec) => specifier(&mut out, spec, at, loc),
            // A `%` at the end stands.
            None => out.push(b'%'),
        }
    }
    out
}

/// `%c`: Go's `"Mon Jan _2 15:04:05 2006"`.
const C_LAYOUT: &[u8] = b"Mon Jan _2 15:04:05 2006";

/// Appends what `%<spec>` gives (the original's `formatSpecifier`).
fn specifier(out: &mut Vec<u8>, spec: u8, at: Timestamp, loc: &Location) {
    let layout: &[u8] = match spec {
        b'a' => b"Mon",
        b'A' => b"Monday",
        b'b' => b"Jan",
        b'B' => b"January",
        b'c' => C_LAYOUT,
        b'd' => b"02",
        b'H' => b"15",
        b'I' => b"03",
        b'm' => b"01",
        b'M' => b"04",
        b'p' => b"PM",
        b'S' => b"05",
        b'x' => b"01/02/06",
        b'X' => b"15:04:05",
        b'y' => b"06",
        b'Y' => b"2006",
        b'z' => b"-0700",
        b'j' => {
            let day = loc.tz.to_datetime(at).day_of_year();
            out.extend_from_slice(format!("{day:03}").as_bytes());
            return;
        }
        // Both the ISO week, as in the original.
        b'U' | b'W' => {
            let week = loc.tz.to_datetime(at).date().iso_week_date().week();
            out.extend_from_slice(format!("{week:02}").as_bytes());
            return;
        }
        b'w' => {
            let day = loc.tz.to_datetime(at).weekday().to_sunday_zero_offset();
            out.extend_from_slice(day.to_string().as_bytes());
            return;
        }
        b'Z' => {
            out.extend_from_slice(loc.zone_at(at).1.as_bytes());
            return;
        }
        b'%' => {
            out.push(b'%');
            return;
        }
        other => {
            out.extend_from_slice(&[b'%', other]);
            return;
        }
    };
    out.extend_from_slice(&format_at(at, loc, layout));
}
