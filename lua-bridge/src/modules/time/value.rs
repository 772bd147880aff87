//! Time values: Go's `time.Time`, an instant with the location it is shown in.
//!
//! Made by `time.now()`, `time.date(...)`, `time.unix(sec, nsec)`, `time.parse(layout,
//! value[, loc])` and timer channels; read with the calendar accessors (`year` …
//! `year_day`, `date`, `clock`), which read the wall clock of the value's location.
//! Values never change: `add`, `add_date`, `utc`, `in_location`, `round`… make new ones.
//! Like the original, Time has `__tostring` (Go's `Time.String`) but no comparison
//! metamethods: compare with `equal`, `before` and `after`.

use super::calendar;
use super::duration::{duration_value, push_duration, signed_duration_arg};
use super::layout::{self, Fields, ParsedZone};
use super::location::{Location, int_arg, location_arg, location_value, push_location, string_arg};
use crate::modules::errors::fail;
use crate::vm::lua::{CFn, LResult, Lua, Raise, UserType, cfn, method_index};
use jiff::Timestamp;
use jiff::civil::DateTime;
use std::ffi::c_int;
use std::time::SystemTime;
use wippy_runtime::payload::ErrorKind;

/// An instant and its location.
#[derive(Debug, Clone)]
pub(crate) struct LuaTime {
    at: Timestamp,
    loc: Location,
}

impl LuaTime {
    /// The wall clock of this time in its location.
    fn civil(&self) -> DateTime {
        self.loc.tz.to_datetime(self.at)
    }
}

method_index!(fn time_index {
    b"add" => cfn(add),
    b"sub" => cfn(sub),
    b"add_date" => cfn(add_date),
    b"after" => cfn(after),
    b"before" => cfn(before),
    b"equal" => cfn(equal),
    b"format" => cfn(format),
    b"format_rfc3339" => cfn(format_rfc3339),
    b"unix" => cfn(unix_seconds),
    b"unix_nano" => cfn(unix_nano),
    b"date" => cfn(date_parts),
    b"clock" => cfn(clock),
    b"year" => cfn(year),
    b"month" => cfn(month),
    b"day" => cfn(day),
    b"hour" => cfn(hour),
    b"minute" => cfn(minute),
    b"second" => cfn(second),
    b"nanosecond" => cfn(nanosecond),
    b"weekday" => cfn(weekday),
    b"year_day" => cfn(year_day),
    b"is_zero" => cfn(is_zero),
    b"in_location" => cfn(in_location),
    b"location" => cfn(location),
    b"utc" => cfn(utc),
    b"in_local" => cfn(in_local),
    b"round" => cfn(round),
    b"truncate" => cfn(truncate),
});

static TIME: UserType<LuaTime> = UserType::new(
    c"wippy.time",
    Some(time_index as CFn),
    &[("__tostring", cfn(tostring))],
);

/// The Go layout of `Time.String` (without the monotonic clock reading Go adds to
/// `time.Now()` values).
const STRING_LAYOUT: &[u8] = b"2006-01-02 15:04:05.999999999 -0700 MST";
const RFC3339: &[u8] = b"2006-01-02T15:04:05Z07:00";

fn push(lua: Lua, at: Timestamp, loc: Location) {
    lua.push_userdata(LuaTime { at, loc }, &TIME);
}

/// Pushes a Time for `at` in the local zone (what `time.now()` and timers give).
pub(crate) fn push_time(lua: Lua, at: SystemTime) {
    let at = Timestamp::try_from(at).unwrap_or(Timestamp::UNIX_EPOCH);
    push(lua, at, Location::local());
}

/// Pushes `time.now()`.
pub(crate) fn push_now(lua: Lua) {
    push(lua, Timestamp::now(), Location::local());
}

fn out_of_range(what: &str) -> Raise {
    Raise::from(format!("{what}: time out of range (years -9999 to 9999)"))
}

/// The Time at `idx`, an argument of the method `method`; anything else raises a
/// bad-argument error naming the method.
fn time_arg(lua: Lua, idx: c_int, method: &str) -> LResult<LuaTime> {
    lua.userdata(idx, &TIME).map(|t| t.clone()).ok_or_else(|| {
        // The receiver missing suggests a dot call; a later argument is just wrong.
        let hint = if idx == 1 {
            format!("; call it as t:{method}()")
        } else {
            String::new()
        };
        let got = if crate::modules::time::duration::duration_value(lua, idx).is_some() {
            "a duration"
        } else {
            lua.type_name(idx)
        };
        Raise::from(format!(
            "bad argument #{idx} to '{method}' (time expected, got {got}{hint})"
        ))
    })
}

fn fields<'a>(t: &LuaTime, zone: &'a str, offset: i64) -> Fields<'a> {
    let dt = t.civil();
    Fields {
        year: i64::from(dt.year()),
        month: usize::try_from(dt.month()).unwrap_or(1),
        day: i64::from(dt.day()),
        year_day: i64::from(dt.day_of_year()),
        weekday: usize::from(dt.weekday().to_sunday_zero_offset().unsigned_abs()),
        hour: i64::from(dt.hour()),
        minute: i64::from(dt.minute()),
        second: i64::from(dt.second()),
        nanosecond: i64::from(dt.subsec_nanosecond()),
        offset,
        zone,
    }
}

/// Go's `Time.Format(layout)`.
fn format_with(t: &LuaTime, layout: &[u8]) -> Vec<u8> {
    let (offset, zone) = t.loc.zone_at(t.at);
    layout::format(layout, &fields(t, &zone, offset))
}

/// Go's `Time.Format(layout)` of the instant `at` in `loc` (for `os.date`).
pub(super) fn format_at(at: Timestamp, loc: &Location, layout: &[u8]) -> Vec<u8> {
    format_with(
        &LuaTime {
            at,
            loc: loc.clone(),
        },
        layout,
    )
}

/// `time.now() -> Time` (local zone).
pub(crate) fn now(lua: Lua) -> LResult<c_int> {
    push_now(lua);
    Ok(1)
}

/// `time.date(year, month, day, hour, min, sec, nsec[, loc]) -> Time`; out-of-range
/// fields carry over as in Go (month 13 is January of the next year).
pub(crate) fn date(lua: Lua) -> LResult<c_int> {
    let mut f = [0_i64; 7];
    for (i, v) in (1..).zip(f.iter_mut()) {
        *v = int_arg(lua, i, "date")?;
    }
    let loc = location_arg(lua, 8, "date")?;
    let at = calendar::date(f[0], f[1], f[2], f[3], f[4], f[5], f[6], &loc)
        .ok_or_else(|| out_of_range("time.date"))?;
    push(lua, at, loc);
    Ok(1)
}

/// `time.unix(sec, nsec) -> Time` (local zone).
pub(crate) fn unix(lua: Lua) -> LResult<c_int> {
    // Both are required, as the original's `CheckInt64(1)`, `CheckInt64(2)`.
    let sec = int_arg(lua, 1, "unix")?;
    let nsec = int_arg(lua, 2, "unix")?;
    let nanos = i128::from(sec) * 1_000_000_000 + i128::from(nsec);
    let at = Timestamp::from_nanosecond(nanos).map_err(|_| out_of_range("time.unix"))?;
    push(lua, at, Location::local());
    Ok(1)
}

/// `time.parse(layout, value[, loc]) -> Time | nil, err` (INVALID). Go's
/// `time.ParseInLocation`, with the local zone when no location is given.
pub(crate) fn parse(lua: Lua) -> LResult<c_int> {
    let layout_text = string_arg(lua, 1, "parse")?;
    let value = string_arg(lua, 2, "parse")?;
    let loc = location_arg(lua, 3, "parse")?;
    let p = match layout::parse(layout_text, value) {
        Ok(p) => p,
        Err(e) => return fail(lua, ErrorKind::Invalid, format!("time.parse: {e}")),
    };
    let on = |loc: &Location| {
        calendar::date(
            p.year,
            p.month,
            p.day,
            p.hour,
            p.minute,
            p.second,
            p.nanosecond,
            loc,
        )
    };
    let utc = Location::utc();
    let resolved = match &p.zone {
        ParsedZone::Unspecified => on(&loc).map(|at| (at, loc)),
        ParsedZone::Utc => on(&utc).map(|at| (at, utc)),
        ParsedZone::Offset(offset, name) => on(&utc)
            .and_then(|wall| calendar::add(wall, -offset.saturating_mul(1_000_000_000)))
            .and_then(|at| {
                // The location's own zone if it has this offset (and name) then.
                let (o, abbreviation) = loc.zone_at(at);
                if o == *offset && (name.is_empty() || abbreviation.as_bytes() == name.as_slice()) {
                    return Some((at, loc.clone()));
                }
                let fixed = Location::fixed(&String::from_utf8_lossy(name), *offset)?;
                Some((at, fixed))
            }),
        ParsedZone::Name(name) => on(&utc).and_then(|wall| {
            let name_text = String::from_utf8_lossy(name).into_owned();
            if let Some(offset) = offset_named(&loc, wall, &name_text)
                .or_else(|| loc.offset_of_zone_named(&name_text, wall))
            {
                let at = calendar::add(wall, -offset.saturating_mul(1_000_000_000))?;
                return Some((at, loc.clone()));
            }
            // An unknown abbreviation: its offset is unknown too (zero), except GMT±h.
            let offset = name_text
                .strip_prefix("GMT")
                .and_then(|h| h.parse::<i64>().ok())
                .map_or(0, |h| h * 3600);
            Some((wall, Location::fixed(&name_text, offset)?))
        }),
    };
    let Some((at, loc)) = resolved else {
        // A text that reads as a time past the range is a failed parse like any other.
        return fail(
            lua,
            ErrorKind::Invalid,
            "time.parse: time out of range (years -9999 to 9999)",
        );
    };
    push(lua, at, loc);
    Ok(1)
}

/// The offset `loc` uses under the abbreviation `name` around the wall clock `wall`
/// (read as UTC), as Go's `Location.lookupName`: the zone in effect there first, then
/// the other side of a daylight-saving change within half a year.
fn offset_named(loc: &Location, wall: Timestamp, name: &str) -> Option<i64> {
    const HALF_YEAR: i64 = 183 * 86_400 * 1_000_000_000;
    [0, -HALF_YEAR, HALF_YEAR]
        .into_iter()
        .filter_map(|shift| calendar::add(wall, shift))
        .find_map(|probe| {
            let (offset, abbreviation) = loc.zone_at(probe);
            let at = calendar::add(wall, -offset.saturating_mul(1_000_000_000))?;
            // Only if that zone is in effect at the instant it names.
            (abbreviation == name && loc.zone_at(at).1 == name).then_some(offset)
        })
}

fn tostring(lua: Lua) -> LResult<c_int> {
    let t = time_arg(lua, 1, "tostring")?;
    lua.try_push_bytes(&format_with(&t, STRING_LAYOUT))?;
    Ok(1)
}

fn format(lua: Lua) -> LResult<c_int> {
    let t = time_arg(lua, 1, "format")?;
    let layout = string_arg(lua, 2, "format")?;
    // A text of the script's size (its layout): dropped before a memory error is raised.
    lua.try_push_bytes(&format_with(&t, layout))?;
    Ok(1)
}

fn format_rfc3339(lua: Lua) -> LResult<c_int> {
    let t = time_arg(lua, 1, "format_rfc3339")?;
    lua.try_push_bytes(&format_with(&t, RFC3339))?;
    Ok(1)
}

fn add(lua: Lua) -> LResult<c_int> {
    let t = time_arg(lua, 1, "add")?;
    let d = signed_duration_arg(lua, 2)
        .map_err(|e| Raise::from(format!("bad argument #2 to 'add' ({e})")))?;
    let at = calendar::add(t.at, d).ok_or_else(|| out_of_range("add"))?;
    push(lua, at, t.loc);
    Ok(1)
}

fn sub(lua: Lua) -> LResult<c_int> {
    let (a, b) = (time_arg(lua, 1, "sub")?, time_arg(lua, 2, "sub")?);
    let nanos = a.at.as_nanosecond() - b.at.as_nanosecond();
    // Go saturates at the Duration range.
    let nanos = i64::try_from(nanos).unwrap_or(if nanos < 0 { i64::MIN } else { i64::MAX });
    push_duration(lua, nanos);
    Ok(1)
}

fn add_date(lua: Lua) -> LResult<c_int> {
    let t = time_arg(lua, 1, "add_date")?;
    let (years, months, days) = (
        int_arg(lua, 2, "add_date")?,
        int_arg(lua, 3, "add_date")?,
        int_arg(lua, 4, "add_date")?,
    );
    let dt = t.civil();
    let at = calendar::date(
        i64::from(dt.year()).saturating_add(years),
        i64::from(dt.month()).saturating_add(months),
        i64::from(dt.day()).saturating_add(days),
        i64::from(dt.hour()),
        i64::from(dt.minute()),
        i64::from(dt.second()),
        i64::from(dt.subsec_nanosecond()),
        &t.loc,
    )
    .ok_or_else(|| out_of_range("add_date"))?;
    push(lua, at, t.loc);
    Ok(1)
}

fn compare(lua: Lua, method: &str, pick: fn(Timestamp, Timestamp) -> bool) -> LResult<c_int> {
    let (a, b) = (time_arg(lua, 1, method)?, time_arg(lua, 2, method)?);
    lua.push_bool(pick(a.at, b.at));
    Ok(1)
}

fn after(lua: Lua) -> LResult<c_int> {
    compare(lua, "after", |a, b| a > b)
}

fn before(lua: Lua) -> LResult<c_int> {
    compare(lua, "before", |a, b| a < b)
}

fn equal(lua: Lua) -> LResult<c_int> {
    compare(lua, "equal", |a, b| a == b)
}

fn unix_seconds(lua: Lua) -> LResult<c_int> {
    lua.push_int(time_arg(lua, 1, "unix")?.at.as_second());
    Ok(1)
}

fn unix_nano(lua: Lua) -> LResult<c_int> {
    // Go's `UnixNano` wraps outside 1678 to 2262; so does this.
    #[allow(clippy::cast_possible_truncation)]
    lua.push_int(time_arg(lua, 1, "unix_nano")?.at.as_nanosecond() as i64);
    Ok(1)
}

/// Pushes fields of the wall clock of the Time at 1.
fn civil_ints<const N: usize>(
    lua: Lua,
    method: &str,
    pick: fn(&DateTime) -> [i64; N],
) -> LResult<c_int> {
    let dt = time_arg(lua, 1, method)?.civil();
    for v in pick(&dt) {
        lua.push_int(v);
    }
    Ok(c_int::try_from(N).unwrap_or(0))
}

fn date_parts(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "date", |d| {
        [
            i64::from(d.year()),
            i64::from(d.month()),
            i64::from(d.day()),
        ]
    })
}

fn clock(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "clock", |d| {
        [
            i64::from(d.hour()),
            i64::from(d.minute()),
            i64::from(d.second()),
        ]
    })
}

fn year(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "year", |d| [i64::from(d.year())])
}

fn month(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "month", |d| [i64::from(d.month())])
}

fn day(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "day", |d| [i64::from(d.day())])
}

fn hour(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "hour", |d| [i64::from(d.hour())])
}

fn minute(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "minute", |d| [i64::from(d.minute())])
}

fn second(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "second", |d| [i64::from(d.second())])
}

fn nanosecond(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "nanosecond", |d| [i64::from(d.subsec_nanosecond())])
}

fn weekday(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "weekday", |d| {
        [i64::from(d.weekday().to_sunday_zero_offset())]
    })
}

fn year_day(lua: Lua) -> LResult<c_int> {
    civil_ints(lua, "year_day", |d| [i64::from(d.day_of_year())])
}

fn is_zero(lua: Lua) -> LResult<c_int> {
    let t = time_arg(lua, 1, "is_zero")?;
    lua.push_bool(calendar::is_zero(t.at));
    Ok(1)
}

fn in_location(lua: Lua) -> LResult<c_int> {
    let t = time_arg(lua, 1, "in_location")?;
    let loc = location_value(lua, 2)
        .ok_or_else(|| Raise::from("bad argument #2 to 'in_location' (location expected)"))?;
    push(lua, t.at, loc);
    Ok(1)
}

fn location(lua: Lua) -> LResult<c_int> {
    let t = time_arg(lua, 1, "location")?;
    push_location(lua, t.loc);
    Ok(1)
}

fn utc(lua: Lua) -> LResult<c_int> {
    let t = time_arg(lua, 1, "utc")?;
    push(lua, t.at, Location::utc());
    Ok(1)
}

fn in_local(lua: Lua) -> LResult<c_int> {
    let t = time_arg(lua, 1, "in_local")?;
    push(lua, t.at, Location::local());
    Ok(1)
}

/// `round`/`truncate`: the argument must be a Duration value, as in the original.
fn to_multiple(
    lua: Lua,
    what: &str,
    op: fn(Timestamp, i64) -> Option<Timestamp>,
) -> LResult<c_int> {
    let t = time_arg(lua, 1, what)?;
    let d = duration_value(lua, 2)
        .ok_or_else(|| Raise::from(format!("bad argument #2 to '{what}' (duration expected)")))?;
    let at = op(t.at, d).ok_or_else(|| out_of_range(what))?;
    push(lua, at, t.loc);
    Ok(1)
}

fn round(lua: Lua) -> LResult<c_int> {
    to_multiple(lua, "round", calendar::round)
}

fn truncate(lua: Lua) -> LResult<c_int> {
    to_multiple(lua, "truncate", calendar::truncate)
}
