//! Calendar arithmetic with Go's rules, over jiff's time zones.
//!
//! Go's `time.Date` normalizes its fields instead of refusing them (October 32 is
//! November 1, month 14 is February of the next year, hour -1 is the day before), and
//! picks a wall clock's instant with one offset lookup and one correction. These
//! functions do the same; they return `None` only past jiff's range (years ±9999).

use super::location::Location;
use jiff::Timestamp;

const NANOS: i128 = 1_000_000_000;

/// Days from 1970-01-01 to `year-month-01` (`month` 1 to 12; proleptic Gregorian).
fn days_from_civil(year: i128, month: i128) -> i128 {
    // Howard Hinnant's algorithm, with March as the first month of the year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Go's `time.Date(year, month, day, hour, min, sec, nsec, loc)`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn date(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    nanosecond: i64,
    loc: &Location,
) -> Option<Timestamp> {
    let m0 = i128::from(month) - 1;
    let year = i128::from(year) + m0.div_euclid(12);
    let days = days_from_civil(year, m0.rem_euclid(12) + 1) + i128::from(day) - 1;
    let wall =
        (days * 86_400 + i128::from(hour) * 3_600 + i128::from(minute) * 60 + i128::from(second))
            * NANOS
            + i128::from(nanosecond);
    from_wall(wall, loc)
}

/// The instant whose wall clock in `loc` reads `wall` (nanoseconds from 1970-01-01
/// 00:00 on that clock), as Go resolves it: the offset in effect at `wall` read as UTC
/// guesses the instant, and the offset in effect at that guess decides. In a gap this
/// gives the earlier reading's offset; in a fold, the first of the two instants.
pub(crate) fn from_wall(wall: i128, loc: &Location) -> Option<Timestamp> {
    let as_utc = Timestamp::from_nanosecond(wall).ok()?;
    let guess = i128::from(loc.tz.to_offset(as_utc).seconds());
    let guessed = Timestamp::from_nanosecond(wall - guess * NANOS).ok()?;
    let offset = i128::from(loc.tz.to_offset(guessed).seconds());
    Timestamp::from_nanosecond(wall - offset * NANOS).ok()
}

/// `at` moved by `nanos` (Go's `Time.Add`).
pub(crate) fn add(at: Timestamp, nanos: i64) -> Option<Timestamp> {
    Timestamp::from_nanosecond(at.as_nanosecond() + i128::from(nanos)).ok()
}

/// Nanoseconds from Go's zero time (January 1, year 1, UTC) to the Unix epoch.
const ZERO_TO_UNIX: i128 = 62_135_596_800 * NANOS;

/// The remainder of `at` since Go's zero time, modulo `d` (> 0), as Go's `div`.
fn since_zero_rem(at: Timestamp, d: i64) -> i128 {
    (at.as_nanosecond() + ZERO_TO_UNIX).rem_euclid(i128::from(d))
}

/// Go's `Time.Truncate`: down to a multiple of `d` since the zero time; `d <= 0` keeps `at`.
pub(crate) fn truncate(at: Timestamp, d: i64) -> Option<Timestamp> {
    if d <= 0 {
        return Some(at);
    }
    Timestamp::from_nanosecond(at.as_nanosecond() - since_zero_rem(at, d)).ok()
}

/// Go's `Time.Round`: to the nearest multiple of `d` since the zero time, halves up;
/// `d <= 0` keeps `at`.
pub(crate) fn round(at: Timestamp, d: i64) -> Option<Timestamp> {
    if d <= 0 {
        return Some(at);
    }
    let r = since_zero_rem(at, d);
    let d = i128::from(d);
    let moved = if r + r < d { -r } else { d - r };
    Timestamp::from_nanosecond(at.as_nanosecond() + moved).ok()
}

/// `true` for Go's zero time (`Time.IsZero`).
pub(crate) fn is_zero(at: Timestamp) -> bool {
    at.as_nanosecond() == -ZERO_TO_UNIX
}
