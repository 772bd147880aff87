//! Durations as definition files write them.
//!
//! Strings use Go's `time.ParseDuration` syntax, which the original reads: one or more
//! `number unit` pairs, the number may have a fraction, the units are `ns`, `us` (`µs`,
//! `μs`), `ms`, `s`, `m`, `h`: `"100ms"`, `"1h30m"`, `"1.5s"`. A bare `"0"` is zero.
//! Negative durations are refused.
//!
//! Numbers are **seconds** (`stop_timeout: 5` is five seconds, `0.25` a quarter second).
//! The original refuses numbers here; reading them as Go's nanoseconds would surprise every
//! reader, so we take the unit a person means.

use std::fmt;
use std::time::Duration;

/// Why a duration string is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDurationError(&'static str);

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for ParseDurationError {}

const NANOS_PER_SEC: u128 = 1_000_000_000;

/// Parses a Go-style duration string such as `"1h30m"` or `"100ms"`.
///
/// # Errors
///
/// Empty input, a missing or unknown unit, a sign, or a value beyond `u64` nanoseconds.
pub fn parse_duration(s: &str) -> Result<Duration, ParseDurationError> {
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() {
        return Err(ParseDurationError("empty duration"));
    }
    if s.starts_with(['-', '+']) {
        return Err(ParseDurationError("durations cannot be signed"));
    }
    let mut rest = s;
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (int_digits, after) = rest.split_at(int_len);
        let (frac_digits, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.find(|c: char| !c.is_ascii_digit()).unwrap_or(a.len());
                a.split_at(n)
            }
            None => ("", after),
        };
        if int_digits.is_empty() && frac_digits.is_empty() {
            return Err(ParseDurationError("expected a number before each unit"));
        }
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => NANOS_PER_SEC,
            "m" => 60 * NANOS_PER_SEC,
            "h" => 3600 * NANOS_PER_SEC,
            "" => return Err(ParseDurationError("missing unit (ns, us, ms, s, m, h)")),
            _ => {
                return Err(ParseDurationError(
                    "unknown unit (expected ns, us, ms, s, m, h)",
                ));
            }
        };
        let too_big = ParseDurationError("duration too large");
        let int: u128 = if int_digits.is_empty() {
            0
        } else {
            int_digits.parse().map_err(|_| too_big.clone())?
        };
        let mut value = int.checked_mul(unit_nanos).ok_or(too_big.clone())?;
        // Fraction: at most 18 digits matter at nanosecond resolution of an hour.
        let frac = &frac_digits[..frac_digits.len().min(18)];
        if !frac.is_empty() {
            let numerator: u128 = frac.parse().map_err(|_| too_big.clone())?;
            let scale = 10u128.pow(u32::try_from(frac.len()).unwrap_or(18));
            value += numerator * unit_nanos / scale;
        }
        total = total.checked_add(value).ok_or(too_big.clone())?;
        if total > u128::from(u64::MAX) {
            return Err(too_big);
        }
        rest = after;
    }
    Ok(Duration::from_nanos(
        u64::try_from(total).map_err(|_| ParseDurationError("duration too large"))?,
    ))
}

/// A number of seconds as a duration.
///
/// # Errors
///
/// Negative, NaN, or beyond what [`Duration`] holds.
pub(crate) fn seconds(secs: f64) -> Result<Duration, ParseDurationError> {
    if secs.is_nan() {
        return Err(ParseDurationError("a duration cannot be NaN"));
    }
    if secs < 0.0 {
        return Err(ParseDurationError("durations cannot be negative"));
    }
    Duration::try_from_secs_f64(secs).map_err(|_| ParseDurationError("duration too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_syntax() {
        let ms = Duration::from_millis;
        assert_eq!(parse_duration("100ms"), Ok(ms(100)));
        assert_eq!(parse_duration("5s"), Ok(ms(5000)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5s"), Ok(ms(1500)));
        assert_eq!(parse_duration(".5s"), Ok(ms(500)));
        assert_eq!(parse_duration("2m3.25s"), Ok(ms(123_250)));
        assert_eq!(parse_duration("300us"), Ok(Duration::from_micros(300)));
        assert_eq!(parse_duration("300µs"), Ok(Duration::from_micros(300)));
        assert_eq!(parse_duration("7ns"), Ok(Duration::from_nanos(7)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
    }

    #[test]
    fn bad_strings() {
        for s in [
            "", "5", "s", "1x", "-1s", "+1s", "1.s.", "1..5s", "ms5", "5 s", "1h 2m",
        ] {
            assert!(parse_duration(s).is_err(), "{s:?} should be refused");
        }
        assert!(parse_duration("99999999999999999999h").is_err());
        assert!(parse_duration("6000000h").is_err());
    }

    #[test]
    fn numbers_are_seconds() {
        assert_eq!(seconds(5.0), Ok(Duration::from_secs(5)));
        assert_eq!(seconds(0.25), Ok(Duration::from_millis(250)));
        assert_eq!(
            seconds(-1.0),
            Err(ParseDurationError("durations cannot be negative"))
        );
        assert_eq!(
            seconds(f64::NAN),
            Err(ParseDurationError("a duration cannot be NaN"))
        );
        assert!(seconds(f64::INFINITY).is_err());
    }
}
