//! Go time layouts: `t:format(layout)` and `time.parse(layout, value)`.
//!
//! A layout is Go's reference time, `Mon Jan 2 15:04:05 MST 2006`, written the way the
//! value is (`"2006-01-02 15:04:05"`, `time.RFC3339`, `"3:04PM"`). This follows Go's
//! `time/format.go` rule for rule: how a layout splits into elements ([`next_element`]),
//! how each element prints, and how each one reads, with Go's error texts. Everything
//! works on bytes, as Go's strings do, so any Lua string is a valid layout or value.
//!
//! Which instant a parsed value names depends on its location; that is the caller's
//! part ([`Parsed`] keeps what the value said about its zone).

/// One element of a layout (Go's `std*` constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    /// `January`
    LongMonth,
    /// `Jan`
    Month,
    /// `1`
    NumMonth,
    /// `01`
    ZeroMonth,
    /// `Monday`
    LongWeekDay,
    /// `Mon`
    WeekDay,
    /// `2`
    Day,
    /// `_2`
    UnderDay,
    /// `02`
    ZeroDay,
    /// `__2`
    UnderYearDay,
    /// `002`
    ZeroYearDay,
    /// `15`
    Hour,
    /// `3`
    Hour12,
    /// `03`
    ZeroHour12,
    /// `4`
    Minute,
    /// `04`
    ZeroMinute,
    /// `5`
    Second,
    /// `05`
    ZeroSecond,
    /// `2006`
    LongYear,
    /// `06`
    Year,
    /// `PM`
    Pm,
    /// `pm`
    PmLower,
    /// `MST`
    Tz,
    /// `Z070000`
    Iso8601SecondsTz,
    /// `Z0700`
    Iso8601Tz,
    /// `Z07:00:00`
    Iso8601ColonSecondsTz,
    /// `Z07:00`
    Iso8601ColonTz,
    /// `Z07`
    Iso8601ShortTz,
    /// `-070000`
    NumSecondsTz,
    /// `-0700`
    NumTz,
    /// `-07:00:00`
    NumColonSecondsTz,
    /// `-07:00`
    NumColonTz,
    /// `-07`
    NumShortTz,
    /// `.000` (`zeros`: exactly that many digits) or `.999` (trailing zeros dropped);
    /// `sep` is `.` or `,`.
    Frac { zeros: bool, digits: usize, sep: u8 },
}

impl Element {
    /// `Z…` zone elements print `Z` for UTC and read it.
    fn is_iso8601(self) -> bool {
        matches!(
            self,
            Element::Iso8601Tz
                | Element::Iso8601ShortTz
                | Element::Iso8601ColonTz
                | Element::Iso8601SecondsTz
                | Element::Iso8601ColonSecondsTz
        )
    }
}

const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

fn starts_lower(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_lowercase)
}

fn digit_at(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Splits `layout` at its first element: (literal text before it, the element, the
/// rest). `None` when the layout has no element left (Go's `nextStdChunk`).
fn next_element(layout: &[u8]) -> (&[u8], Option<Element>, &[u8]) {
    use Element as E;
    let n = layout.len();
    let at = |i: usize, s: &str| layout[i..].starts_with(s.as_bytes());
    for i in 0..n {
        let found: Option<(E, usize)> = match layout[i] {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    Some((E::LongMonth, 7))
                } else if !starts_lower(&layout[i + 3..]) {
                    Some((E::Month, 3))
                } else {
                    None
                }
            }
            b'M' if at(i, "Mon") => {
                if at(i, "Monday") {
                    Some((E::LongWeekDay, 6))
                } else if !starts_lower(&layout[i + 3..]) {
                    Some((E::WeekDay, 3))
                } else {
                    None
                }
            }
            b'M' if at(i, "MST") => Some((E::Tz, 3)),
            b'0' if i + 1 < n && (b'1'..=b'6').contains(&layout[i + 1]) => {
                let e = [
                    E::ZeroMonth,
                    E::ZeroDay,
                    E::ZeroHour12,
                    E::ZeroMinute,
                    E::ZeroSecond,
                    E::Year,
                ][usize::from(layout[i + 1] - b'1')];
                Some((e, 2))
            }
            b'0' if at(i, "002") => Some((E::ZeroYearDay, 3)),
            b'1' if at(i, "15") => Some((E::Hour, 2)),
            b'1' => Some((E::NumMonth, 1)),
            b'2' if at(i, "2006") => Some((E::LongYear, 4)),
            b'2' => Some((E::Day, 1)),
            b'_' if at(i, "_2") => {
                // `_2006` is a literal `_` before the year.
                if at(i, "_2006") {
                    return (&layout[..=i], Some(E::LongYear), &layout[i + 5..]);
                }
                Some((E::UnderDay, 2))
            }
            b'_' if at(i, "__2") => Some((E::UnderYearDay, 3)),
            b'3' => Some((E::Hour12, 1)),
            b'4' => Some((E::Minute, 1)),
            b'5' => Some((E::Second, 1)),
            b'P' if at(i, "PM") => Some((E::Pm, 2)),
            b'p' if at(i, "pm") => Some((E::PmLower, 2)),
            b'-' => [
                ("-070000", E::NumSecondsTz),
                ("-07:00:00", E::NumColonSecondsTz),
                ("-0700", E::NumTz),
                ("-07:00", E::NumColonTz),
                ("-07", E::NumShortTz),
            ]
            .into_iter()
            .find(|(s, _)| at(i, s))
            .map(|(s, e)| (e, s.len())),
            b'Z' => [
                ("Z070000", E::Iso8601SecondsTz),
                ("Z07:00:00", E::Iso8601ColonSecondsTz),
                ("Z0700", E::Iso8601Tz),
                ("Z07:00", E::Iso8601ColonTz),
                ("Z07", E::Iso8601ShortTz),
            ]
            .into_iter()
            .find(|(s, _)| at(i, s))
            .map(|(s, e)| (e, s.len())),
            sep @ (b'.' | b',') if matches!(layout.get(i + 1), Some(b'0' | b'9')) => {
                let ch = layout[i + 1];
                let mut j = i + 1;
                while j < n && layout[j] == ch {
                    j += 1;
                }
                // Only a run of one digit kind that ends there is a fraction.
                (!digit_at(layout, j)).then_some((
                    E::Frac {
                        zeros: ch == b'0',
                        digits: j - (i + 1),
                        sep,
                    },
                    j - i,
                ))
            }
            _ => None,
        };
        if let Some((e, len)) = found {
            return (&layout[..i], Some(e), &layout[i + len..]);
        }
    }
    (layout, None, &[])
}

/// The broken-down time that [`format`] prints.
#[derive(Debug, Clone)]
pub(crate) struct Fields<'a> {
    pub(crate) year: i64,
    /// 1 to 12.
    pub(crate) month: usize,
    pub(crate) day: i64,
    /// 1 to 366.
    pub(crate) year_day: i64,
    /// 0 (Sunday) to 6.
    pub(crate) weekday: usize,
    pub(crate) hour: i64,
    pub(crate) minute: i64,
    pub(crate) second: i64,
    pub(crate) nanosecond: i64,
    /// Seconds east of UTC.
    pub(crate) offset: i64,
    /// The zone's abbreviation (`MST`); empty prints the offset instead.
    pub(crate) zone: &'a str,
}

/// Go's `appendInt`: `x` in decimal, zero-padded to `width` digits (after the sign).
fn push_int(out: &mut Vec<u8>, x: i64, width: usize) {
    if x < 0 {
        out.push(b'-');
    }
    let digits = x.unsigned_abs().to_string();
    out.extend(std::iter::repeat_n(
        b'0',
        width.saturating_sub(digits.len()),
    ));
    out.extend_from_slice(digits.as_bytes());
}

/// Formats `f` by `layout`, as Go's `Time.Format`.
pub(crate) fn format(layout: &[u8], f: &Fields<'_>) -> Vec<u8> {
    use Element as E;
    let mut out = Vec::with_capacity(layout.len() + 10);
    let mut rest = layout;
    loop {
        let (prefix, element, suffix) = next_element(rest);
        out.extend_from_slice(prefix);
        let Some(element) = element else {
            return out;
        };
        rest = suffix;
        let hour12 = match f.hour % 12 {
            0 => 12,
            h => h,
        };
        match element {
            E::Year => push_int(&mut out, f.year.abs() % 100, 2),
            E::LongYear => push_int(&mut out, f.year, 4),
            E::Month => out.extend_from_slice(&LONG_MONTHS[f.month - 1].as_bytes()[..3]),
            E::LongMonth => out.extend_from_slice(LONG_MONTHS[f.month - 1].as_bytes()),
            E::NumMonth => push_int(&mut out, f.month as i64, 0),
            E::ZeroMonth => push_int(&mut out, f.month as i64, 2),
            E::WeekDay => out.extend_from_slice(&LONG_DAYS[f.weekday].as_bytes()[..3]),
            E::LongWeekDay => out.extend_from_slice(LONG_DAYS[f.weekday].as_bytes()),
            E::Day => push_int(&mut out, f.day, 0),
            E::UnderDay => {
                if f.day < 10 {
                    out.push(b' ');
                }
                push_int(&mut out, f.day, 0);
            }
            E::ZeroDay => push_int(&mut out, f.day, 2),
            E::UnderYearDay => {
                if f.year_day < 100 {
                    out.push(b' ');
                    if f.year_day < 10 {
                        out.push(b' ');
                    }
                }
                push_int(&mut out, f.year_day, 0);
            }
            E::ZeroYearDay => push_int(&mut out, f.year_day, 3),
            E::Hour => push_int(&mut out, f.hour, 2),
            E::Hour12 => push_int(&mut out, hour12, 0),
            E::ZeroHour12 => push_int(&mut out, hour12, 2),
            E::Minute => push_int(&mut out, f.minute, 0),
            E::ZeroMinute => push_int(&mut out, f.minute, 2),
            E::Second => push_int(&mut out, f.second, 0),
            E::ZeroSecond => push_int(&mut out, f.second, 2),
            E::Pm => out.extend_from_slice(if f.hour >= 12 { b"PM" } else { b"AM" }),
            E::PmLower => out.extend_from_slice(if f.hour >= 12 { b"pm" } else { b"am" }),
            E::Tz if !f.zone.is_empty() => out.extend_from_slice(f.zone.as_bytes()),
            E::Tz => {
                let minutes = f.offset / 60;
                out.push(if minutes < 0 { b'-' } else { b'+' });
                push_int(&mut out, minutes.abs() / 60, 2);
                push_int(&mut out, minutes.abs() % 60, 2);
            }
            E::Frac { zeros, digits, sep } => push_frac(&mut out, f.nanosecond, zeros, digits, sep),
            zone => push_offset(&mut out, zone, f.offset),
        }
    }
}

/// A `.000`/`.999` element (Go's `appendNano`).
fn push_frac(out: &mut Vec<u8>, nanos: i64, zeros: bool, digits: usize, sep: u8) {
    let trim = !zeros;
    if trim && (digits == 0 || nanos == 0) {
        return;
    }
    let start = out.len();
    out.push(sep);
    push_int(out, nanos, 9);
    out.truncate(start + 1 + digits.min(9));
    if trim {
        while out.len() > start && out.last() == Some(&b'0') {
            out.pop();
        }
        if out.len() == start + 1 {
            out.pop();
        }
    }
}

/// A numeric zone element: `-0700`, `Z07:00` and the others.
fn push_offset(out: &mut Vec<u8>, element: Element, offset: i64) {
    use Element as E;
    if offset == 0 && element.is_iso8601() {
        out.push(b'Z');
        return;
    }
    let minutes = offset / 60;
    out.push(if minutes < 0 { b'-' } else { b'+' });
    let (minutes, seconds) = (minutes.abs(), offset.abs());
    push_int(out, minutes / 60, 2);
    let colon = matches!(
        element,
        E::Iso8601ColonTz | E::NumColonTz | E::Iso8601ColonSecondsTz | E::NumColonSecondsTz
    );
    if colon {
        out.push(b':');
    }
    if !matches!(element, E::NumShortTz | E::Iso8601ShortTz) {
        push_int(out, minutes % 60, 2);
    }
    if matches!(
        element,
        E::Iso8601SecondsTz | E::NumSecondsTz | E::NumColonSecondsTz | E::Iso8601ColonSecondsTz
    ) {
        if colon {
            out.push(b':');
        }
        push_int(out, seconds % 60, 2);
    }
}

/// What a value said, read by [`parse`]; the zone is still to be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub(crate) year: i64,
    pub(crate) month: i64,
    pub(crate) day: i64,
    pub(crate) hour: i64,
    pub(crate) minute: i64,
    pub(crate) second: i64,
    pub(crate) nanosecond: i64,
    pub(crate) zone: ParsedZone,
}

/// What a parsed value said about its zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParsedZone {
    /// Nothing: the value is in the default location.
    Unspecified,
    /// `Z` or `UTC`.
    Utc,
    /// A numeric offset (seconds east of UTC), with the abbreviation if one was read too.
    Offset(i64, Vec<u8>),
    /// An abbreviation alone (`PST`); `GMT+3` style names carry their hours.
    Name(Vec<u8>),
}

/// A value that does not match its layout (Go's `time.ParseError`, same text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError(pub(crate) String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Go's `quote`: the text in double quotes, with `"` and `\` escaped; past
/// [`QUOTED_CHARS`](super::duration::QUOTED_CHARS) characters, cut there and followed by `…` and its length (a script
/// may pass kilobytes).
fn quote(s: &[u8]) -> String {
    use super::duration::QUOTED_CHARS;
    let text = String::from_utf8_lossy(s);
    let mut q = String::with_capacity(s.len().min(4 * QUOTED_CHARS) + 2);
    q.push('"');
    for c in text.chars().take(QUOTED_CHARS) {
        if c == '"' || c == '\\' {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    if text.chars().nth(QUOTED_CHARS).is_some() {
        q.push_str(&format!("… ({} bytes)", s.len()));
    }
    q
}

struct Failure<'a> {
    layout: &'a [u8],
    value: &'a [u8],
}

impl Failure<'_> {
    /// `parsing time "v" as "l": cannot parse "rest" as "elem"`.
    fn cannot(&self, value_elem: &[u8], layout_elem: &[u8]) -> ParseError {
        ParseError(format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(self.value),
            quote(self.layout),
            quote(value_elem),
            quote(layout_elem)
        ))
    }

    /// `parsing time "v": message`.
    fn message(&self, message: &str) -> ParseError {
        ParseError(format!("parsing time {}{message}", quote(self.value)))
    }
}

/// Go's `skip`: consumes the literal `prefix`, where a space matches any run of spaces.
fn skip<'v>(mut value: &'v [u8], mut prefix: &[u8]) -> Result<&'v [u8], ()> {
    let cut = |s: &[u8]| -> usize { s.iter().take_while(|&&c| c == b' ').count() };
    while let Some(&p) = prefix.first() {
        if p == b' ' {
            if value.first().is_some_and(|&c| c != b' ') {
                return Err(());
            }
            prefix = &prefix[cut(prefix)..];
            value = &value[cut(value)..];
            continue;
        }
        if value.first() != Some(&p) {
            return Err(());
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Ok(value)
}

/// Go's `getnum`: one or two digits (exactly two if `fixed`).
fn getnum(s: &[u8], fixed: bool) -> Result<(i64, &[u8]), ()> {
    if !digit_at(s, 0) {
        return Err(());
    }
    if !digit_at(s, 1) {
        if fixed {
            return Err(());
        }
        return Ok((i64::from(s[0] - b'0'), &s[1..]));
    }
    Ok((
        i64::from(s[0] - b'0') * 10 + i64::from(s[1] - b'0'),
        &s[2..],
    ))
}

/// Go's `getnum3`: one to three digits (exactly three if `fixed`).
fn getnum3(s: &[u8], fixed: bool) -> Result<(i64, &[u8]), ()> {
    let n = s.iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || (fixed && n != 3) {
        return Err(());
    }
    let v = s[..n]
        .iter()
        .fold(0, |acc, &c| acc * 10 + i64::from(c - b'0'));
    Ok((v, &s[n..]))
}

/// Go's `atoi`: an optionally signed decimal that is the whole of `s`.
fn atoi(s: &[u8]) -> Result<i64, ()> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(());
    }
    let mut x: i64 = 0;
    for &c in digits {
        x = x
            .checked_mul(10)
            .and_then(|x| x.checked_add(i64::from(c - b'0')))
            .ok_or(())?;
    }
    Ok(if neg { -x } else { x })
}

/// Go's `lookup`: the first of `names` that starts `value`, ignoring ASCII case.
fn lookup<'v>(
    names: &[&str],
    value: &'v [u8],
    len: Option<usize>,
) -> Result<(usize, &'v [u8]), ()> {
    for (i, name) in names.iter().enumerate() {
        let name = &name.as_bytes()[..len.unwrap_or(name.len())];
        if value.len() >= name.len() && value[..name.len()].eq_ignore_ascii_case(name) {
            return Ok((i, &value[name.len()..]));
        }
    }
    Err(())
}

/// Go's `parseNanoseconds`: a `.`/`,` and the digits after it, `nbytes` in all.
fn parse_nanos(value: &[u8], nbytes: usize) -> Result<i64, ()> {
    if !matches!(value.first(), Some(b'.' | b',')) {
        return Err(());
    }
    let nbytes = nbytes.min(10);
    let ns = atoi(&value[1..nbytes])?;
    if ns < 0 {
        return Err(());
    }
    Ok(ns * 10_i64.pow(u32::try_from(10 - nbytes).unwrap_or(0)))
}

/// Go's `parseSignedOffset`: the length of a `+hh`/`-hh` prefix, 0 if none.
fn signed_offset_len(value: &[u8]) -> usize {
    if !matches!(value.first(), Some(b'+' | b'-')) {
        return 0;
    }
    let digits = value[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return 0;
    }
    match atoi(&value[1..=digits]) {
        Ok(x) if x <= 24 => 1 + digits,
        _ => 0,
    }
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at the start of `value`.
fn zone_name_len(value: &[u8]) -> Option<usize> {
    if value.len() < 3 {
        return None;
    }
    if value.starts_with(b"ChST") || value.starts_with(b"MeST") {
        return Some(4);
    }
    if value.starts_with(b"GMT") {
        let rest = &value[3..];
        return Some(if rest.is_empty() {
            3
        } else {
            3 + signed_offset_len(rest)
        });
    }
    if matches!(value[0], b'+' | b'-') {
        let n = signed_offset_len(value);
        return (n > 0).then_some(n);
    }
    let upper = value
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        3 => Some(3),
        4 if value[3] == b'T' || value.starts_with(b"WITA") => Some(4),
        5 if value[4] == b'T' => Some(5),
        _ => None,
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1 to 12) of `year`.
pub(crate) fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Reads `value` by `layout`, as Go's `time.Parse` does before it applies the zone.
pub(crate) fn parse(layout: &[u8], value: &[u8]) -> Result<Parsed, ParseError> {
    use Element as E;
    let fail = Failure { layout, value };
    let (mut year, mut month, mut day, mut year_day) = (0_i64, -1_i64, -1_i64, -1_i64);
    let (mut hour, mut minute, mut second, mut nanosecond) = (0_i64, 0_i64, 0_i64, 0_i64);
    let (mut pm, mut am) = (false, false);
    let mut zone = ParsedZone::Unspecified;
    let mut zone_offset: Option<i64> = None;
    let mut zone_name: Vec<u8> = Vec::new();
    let mut rest_layout = layout;
    let mut v = value;
    loop {
        let (prefix, element, suffix) = next_element(rest_layout);
        let elem_text = &rest_layout[prefix.len()..rest_layout.len() - suffix.len()];
        v = skip(v, prefix).map_err(|()| fail.cannot(v, prefix))?;
        let Some(element) = element else {
            if !v.is_empty() {
                return Err(fail.message(&format!(": extra text: {}", quote(v))));
            }
            break;
        };
        rest_layout = suffix;
        let hold = v;
        let mut range: Option<&str> = None;
        let step: Result<(), ()> = (|| {
            match element {
                E::Year => {
                    if v.len() < 2 {
                        return Err(());
                    }
                    year = atoi(&v[..2])?;
                    year += if year >= 69 { 1900 } else { 2000 };
                    v = &v[2..];
                }
                E::LongYear => {
                    if v.len() < 4 || !digit_at(v, 0) {
                        return Err(());
                    }
                    year = atoi(&v[..4])?;
                    v = &v[4..];
                }
                E::Month | E::LongMonth => {
                    let len = (element == E::Month).then_some(3);
                    let (m, r) = lookup(&LONG_MONTHS, v, len)?;
                    month = m as i64 + 1;
                    v = r;
                }
                E::NumMonth | E::ZeroMonth => {
                    (month, v) = getnum(v, element == E::ZeroMonth)?;
                    if !(1..=12).contains(&month) {
                        range = Some("month");
                    }
                }
                E::WeekDay | E::LongWeekDay => {
                    let len = (element == E::WeekDay).then_some(3);
                    v = lookup(&LONG_DAYS, v, len)?.1;
                }
                E::Day | E::UnderDay | E::ZeroDay => {
                    if element == E::UnderDay && v.first() == Some(&b' ') {
                        v = &v[1..];
                    }
                    // Any one or two digits; checked against the month at the end.
                    (day, v) = getnum(v, element == E::ZeroDay)?;
                }
                E::UnderYearDay | E::ZeroYearDay => {
                    for _ in 0..2 {
                        if element == E::UnderYearDay && v.first() == Some(&b' ') {
                            v = &v[1..];
                        }
                    }
                    (year_day, v) = getnum3(v, element == E::ZeroYearDay)?;
                }
                E::Hour => {
                    (hour, v) = getnum(v, false)?;
                    if !(0..24).contains(&hour) {
                        range = Some("hour");
                    }
                }
                E::Hour12 | E::ZeroHour12 => {
                    (hour, v) = getnum(v, element == E::ZeroHour12)?;
                    if !(0..=12).contains(&hour) {
                        range = Some("hour");
                    }
                }
                E::Minute | E::ZeroMinute => {
                    (minute, v) = getnum(v, element == E::ZeroMinute)?;
                    if !(0..60).contains(&minute) {
                        range = Some("minute");
                    }
                }
                E::Second | E::ZeroSecond => {
                    (second, v) = getnum(v, element == E::ZeroSecond)?;
                    if !(0..60).contains(&second) {
                        range = Some("second");
                        return Ok(());
                    }
                    // A fraction the layout does not have is read all the same.
                    if v.len() >= 2 && matches!(v[0], b'.' | b',') && digit_at(v, 1) {
                        if let (_, Some(E::Frac { .. }), _) = next_element(rest_layout) {
                            return Ok(());
                        }
                        let n = 2 + v[2..].iter().take_while(|c| c.is_ascii_digit()).count();
                        nanosecond = parse_nanos(v, n)?;
                        v = &v[n..];
                    }
                }
                E::Pm | E::PmLower => {
                    if v.len() < 2 {
                        return Err(());
                    }
                    let (p, a): (&[u8], &[u8]) = if element == E::Pm {
                        (b"PM", b"AM")
                    } else {
                        (b"pm", b"am")
                    };
                    match &v[..2] {
                        x if x == p => pm = true,
                        x if x == a => am = true,
                        _ => return Err(()),
                    }
                    v = &v[2..];
                }
                E::Tz => {
                    if v.starts_with(b"UTC") {
                        zone = ParsedZone::Utc;
                        v = &v[3..];
                        return Ok(());
                    }
                    let n = zone_name_len(v).ok_or(())?;
                    zone_name = v[..n].to_vec();
                    v = &v[n..];
                }
                E::Frac {
                    zeros: true,
                    digits,
                    ..
                } => {
                    // `.000` wants exactly that many digits.
                    let n = 1 + digits;
                    if v.len() < n {
                        return Err(());
                    }
                    nanosecond = parse_nanos(v, n)?;
                    v = &v[n..];
                }
                E::Frac { zeros: false, .. } => {
                    if v.len() < 2 || !matches!(v[0], b'.' | b',') || !digit_at(v, 1) {
                        // The fraction is optional.
                        return Ok(());
                    }
                    // Any number of digits, as the seconds element would take.
                    let n = 1 + v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    nanosecond = parse_nanos(v, n)?;
                    v = &v[n..];
                }
                zone_element => {
                    if zone_element.is_iso8601() && v.first() == Some(&b'Z') {
                        v = &v[1..];
                        zone = ParsedZone::Utc;
                        return Ok(());
                    }
                    let (offset, r) = read_offset(zone_element, v)?;
                    if offset.hours > 24 {
                        range = Some("time zone offset hour");
                    }
                    if offset.minutes > 60 {
                        range = Some("time zone offset minute");
                    }
                    if offset.seconds > 60 {
                        range = Some("time zone offset second");
                    }
                    let secs = (offset.hours * 60 + offset.minutes) * 60 + offset.seconds;
                    zone_offset = Some(if offset.negative { -secs } else { secs });
                    v = r;
                }
            }
            Ok(())
        })();
        if let Some(what) = range {
            return Err(fail.message(&format!(": {what} out of range")));
        }
        if step.is_err() {
            return Err(fail.cannot(hold, elem_text));
        }
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if year_day >= 0 {
        let (mut m, mut d) = (0, 0);
        let mut yd = year_day;
        if is_leap(year) {
            if yd == 31 + 29 {
                (m, d) = (2, 29);
            } else if yd > 31 + 29 {
                yd -= 1;
            }
        }
        if !(1..=365).contains(&yd) {
            return Err(fail.message(": day-of-year out of range"));
        }
        if m == 0 {
            const BEFORE: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
            m = (yd - 1) / 31 + 1;
            if BEFORE[m as usize] < yd {
                m += 1;
            }
            d = yd - BEFORE[m as usize - 1];
        }
        if month >= 0 && month != m {
            return Err(fail.message(": day-of-year does not match month"));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(fail.message(": day-of-year does not match day"));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(fail.message(": day out of range"));
    }
    if zone == ParsedZone::Unspecified {
        zone = match zone_offset {
            Some(offset) => ParsedZone::Offset(offset, zone_name),
            None if !zone_name.is_empty() => ParsedZone::Name(zone_name),
            None => ParsedZone::Unspecified,
        };
    }
    Ok(Parsed {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanosecond,
        zone,
    })
}

/// A numeric zone offset as written: its sign and its fields.
#[derive(Debug, Clone, Copy)]
struct WrittenOffset {
    negative: bool,
    hours: i64,
    minutes: i64,
    seconds: i64,
}

/// Reads a numeric offset for `element`; gives it and the rest of the value.
fn read_offset(element: Element, v: &[u8]) -> Result<(WrittenOffset, &[u8]), ()> {
    use Element as E;
    // (total length, where the hours, minutes and seconds start; colons at 3 and 6)
    let (len, mm, ss, colons): (usize, Option<usize>, Option<usize>, &[usize]) = match element {
        E::Iso8601ColonTz | E::NumColonTz => (6, Some(4), None, &[3]),
        E::NumShortTz | E::Iso8601ShortTz => (3, None, None, &[]),
        E::Iso8601ColonSecondsTz | E::NumColonSecondsTz => (9, Some(4), Some(7), &[3, 6]),
        E::Iso8601SecondsTz | E::NumSecondsTz => (7, Some(3), Some(5), &[]),
        _ => (5, Some(3), None, &[]),
    };
    if v.len() < len || colons.iter().any(|&i| v[i] != b':') {
        return Err(());
    }
    let two = |at: Option<usize>| -> Result<i64, ()> {
        match at {
            Some(i) => getnum(&v[i..i + 2], true).map(|(n, _)| n),
            None => Ok(0),
        }
    };
    let (h, m, s) = (two(Some(1))?, two(mm)?, two(ss)?);
    let negative = match v[0] {
        b'+' => false,
        b'-' => true,
        _ => return Err(()),
    };
    Ok((
        WrittenOffset {
            negative,
            hours: h,
            minutes: m,
            seconds: s,
        },
        &v[len..],
    ))
}
