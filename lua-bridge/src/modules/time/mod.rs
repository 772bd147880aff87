//! The `time` module (reference §1.5), as the original runtime's: durations, sleeps and
//! timers, and Go's calendar (`time.Time`, `time.Location`, layouts).
//!
//! - [`duration`]: Duration values and duration arguments, `time.parse_duration`.
//! - [`timers`]: `sleep`, `after`, `timer`, `ticker`.
//! - [`value`]: Time values and `now`, `date`, `unix`, `parse`.
//! - [`location`]: Location values, `utc`, `localtz`, `load_location`, `fixed_zone`.
//! - [`layout`]: Go layouts (`"2006-01-02 15:04:05"`), formatting and parsing.
//! - [`calendar`]: Go's calendar rules (field normalization, rounding) over jiff.
//! - [`ostime`]: the `os` global's clock functions, on the same rules.
//!
//! The module table holds the functions and `utc`/`localtz`; the constants (durations,
//! layouts, months, weekdays) come from its metatable's `__index` on first use, as the
//! `process` table's functions do, so a process that only sleeps does not pay for 40
//! fields it never reads (`pairs(time)` lists a constant only once it was read).
//!
//! Errors follow the original: `nil, err` (not retryable) for bad input a caller may
//! expect (a value that does not parse, an unknown zone, a non-positive timer
//! duration), a raised error for a misuse (a missing argument, a wrong type).

mod calendar;
mod duration;
mod layout;
mod location;
mod ostime;
mod timers;
mod value;

#[cfg(test)]
mod tests;

pub(crate) use ostime::{mark_start, push_os};
pub(crate) use value::push_time;

use crate::vm::lua::{LResult, Lua, UserType, blocking, cache_method, cfn};
use location::{Location, push_location};
use std::ffi::c_int;

/// The duration constants, in nanoseconds.
const DURATIONS: [(&str, i64); 6] = [
    ("NANOSECOND", 1),
    ("MICROSECOND", 1_000),
    ("MILLISECOND", 1_000_000),
    ("SECOND", 1_000_000_000),
    ("MINUTE", 60_000_000_000),
    ("HOUR", 3_600_000_000_000),
];

/// The layout constants, under the original's names (Go's values).
const LAYOUTS: [(&str, &str); 15] = [
    ("RFC3339", "2006-01-02T15:04:05Z07:00"),
    ("RFC3339NANO", "2006-01-02T15:04:05.999999999Z07:00"),
    ("RFC822", "02 Jan 06 15:04 MST"),
    ("RFC822Z", "02 Jan 06 15:04 -0700"),
    ("RFC850", "Monday, 02-Jan-06 15:04:05 MST"),
    ("RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"),
    ("RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"),
    ("KITCHEN", "3:04PM"),
    ("STAMP", "Jan _2 15:04:05"),
    ("STAMP_MILLI", "Jan _2 15:04:05.000"),
    ("STAMP_MICRO", "Jan _2 15:04:05.000000"),
    ("STAMP_NANO", "Jan _2 15:04:05.000000000"),
    ("DATE_TIME", "2006-01-02 15:04:05"),
    ("DATE_ONLY", "2006-01-02"),
    ("TIME_ONLY", "15:04:05"),
];

const MONTHS: [&str; 12] = [
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
];

const WEEKDAYS: [&str; 7] = [
    "SUNDAY",
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
];

/// `__index` of the module table: the constants, cached in the table once read.
fn module_index(lua: Lua) -> LResult<c_int> {
    let name = lua.bytes(2).unwrap_or_default();
    if let Some((_, nanos)) = DURATIONS.iter().find(|(k, _)| k.as_bytes() == name) {
        lua.push_int(*nanos);
    } else if let Some((_, layout)) = LAYOUTS.iter().find(|(k, _)| k.as_bytes() == name) {
        lua.push_str(layout);
    } else if let Some(i) = MONTHS.iter().position(|m| m.as_bytes() == name) {
        lua.push_int(i as i64 + 1);
    } else if let Some(i) = WEEKDAYS.iter().position(|d| d.as_bytes() == name) {
        lua.push_int(i as i64);
    } else {
        lua.push_nil();
        return Ok(1);
    }
    cache_method(lua);
    Ok(1)
}

static MODULE: UserType<()> = UserType::new(c"wippy.time.module", Some(cfn(module_index)), &[]);

/// Pushes the `time` module table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(4)?;
    lua.new_table(0, 16);
    for (name, f) in [
        ("sleep", blocking(timers::sleep)),
        ("after", cfn(timers::after)),
        ("timer", cfn(timers::timer)),
        ("ticker", cfn(timers::ticker)),
        ("now", cfn(value::now)),
        ("date", cfn(value::date)),
        ("unix", cfn(value::unix)),
        ("parse", cfn(value::parse)),
        ("parse_duration", cfn(duration::parse_duration)),
        ("load_location", cfn(location::load_location)),
        ("fixed_zone", cfn(location::fixed_zone)),
    ] {
        lua.push_fn(f);
        lua.set_field_str(-2, name);
    }
    push_location(lua, Location::utc());
    lua.set_field(-2, c"utc");
    push_location(lua, Location::local());
    lua.set_field(-2, c"localtz");
    lua.push_metatable(&MODULE);
    // SAFETY: the table at -2, its metatable on top.
    unsafe { mlua::ffi::lua_setmetatable(lua.raw(), -2) };
    Ok(())
}
