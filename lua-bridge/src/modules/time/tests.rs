//! Go layouts and calendar rules against outputs of Go's `time` package.

use super::calendar;
use super::duration::{go_string, parse_go_duration};
use super::layout::{Fields, ParsedZone, format, parse};
use super::location::Location;

/// 2024-12-29 15:04:05.123456789, a Sunday, day 364, at `offset` named `zone`.
fn sample(offset: i64, zone: &str) -> Fields<'_> {
    Fields {
        year: 2024,
        month: 12,
        day: 29,
        year_day: 364,
        weekday: 0,
        hour: 15,
        minute: 4,
        second: 5,
        nanosecond: 123_456_789,
        offset,
        zone,
    }
}

fn fmt(layout: &str, f: &Fields<'_>) -> String {
    String::from_utf8(format(layout.as_bytes(), f)).unwrap()
}

#[test]
fn formats_reference_layouts() {
    let utc = sample(0, "UTC");
    assert_eq!(
        fmt("Mon Jan 2 15:04:05 MST 2006", &utc),
        "Sun Dec 29 15:04:05 UTC 2024"
    );
    assert_eq!(
        fmt("2006-01-02T15:04:05Z07:00", &utc),
        "2024-12-29T15:04:05Z"
    );
    assert_eq!(
        fmt("2006-01-02T15:04:05.999999999Z07:00", &utc),
        "2024-12-29T15:04:05.123456789Z"
    );
    assert_eq!(fmt("Jan _2 15:04:05.000", &utc), "Dec 29 15:04:05.123");
    assert_eq!(fmt("3:04PM", &utc), "3:04PM");
    assert_eq!(
        fmt("Monday, 02-Jan-06 03:04:05 pm", &utc),
        "Sunday, 29-Dec-24 03:04:05 pm"
    );
    assert_eq!(fmt("January __2 002", &utc), "December 364 364");
    let est = sample(-5 * 3600, "EST");
    assert_eq!(
        fmt("2006-01-02T15:04:05Z07:00", &est),
        "2024-12-29T15:04:05-05:00"
    );
    assert_eq!(fmt("-0700 -07 Z070000", &est), "-0500 -05 -050000");
    assert_eq!(fmt("MST", &sample(3600, "")), "+0100");
    // A run of zeros followed by a digit is not a fraction (here `.00` then `01`, the
    // month); `_2006` is `_` and the year.
    assert_eq!(fmt(".0001 _2006", &utc), ".0012 _2024");
    let mut early = sample(0, "UTC");
    (early.day, early.nanosecond, early.hour) = (5, 500_000_000, 0);
    assert_eq!(fmt("_2|2|.99|,000|3PM", &early), " 5|5|.5|,500|12AM");
}

#[test]
fn parses_reference_layouts() {
    let p = parse(b"2006-01-02 15:04:05", b"2024-12-29 15:04:05").unwrap();
    assert_eq!(
        (p.year, p.month, p.day, p.hour, p.minute, p.second),
        (2024, 12, 29, 15, 4, 5)
    );
    assert_eq!(p.zone, ParsedZone::Unspecified);
    let p = parse(
        b"2006-01-02T15:04:05.999999999Z",
        b"2024-01-01T12:34:56.789Z",
    )
    .unwrap();
    assert_eq!((p.second, p.nanosecond), (56, 789_000_000));
    let p = parse(b"2006-01-02T15:04:05Z07:00", b"2024-01-01T12:34:56+05:30").unwrap();
    assert_eq!(p.zone, ParsedZone::Offset(5 * 3600 + 1800, Vec::new()));
    let p = parse(b"2006-01-02T15:04:05Z07:00", b"2024-01-01T12:34:56Z").unwrap();
    assert_eq!(p.zone, ParsedZone::Utc);
    let p = parse(b"Jan _2 3:04PM MST", b"feb  9 1:05AM PST").unwrap();
    assert_eq!((p.month, p.day, p.hour, p.year), (2, 9, 1, 0));
    assert_eq!(p.zone, ParsedZone::Name(b"PST".to_vec()));
    // A fraction the layout lacks is read after the seconds.
    assert_eq!(
        parse(b"15:04:05", b"01:02:03.25").unwrap().nanosecond,
        250_000_000
    );
    let p = parse(b"2006 002", b"2024 060").unwrap();
    assert_eq!((p.month, p.day), (2, 29));
}

#[test]
fn parse_errors_have_go_text() {
    let e = parse(b"2006-01-02", b"invalid-date").unwrap_err();
    assert_eq!(
        e.0,
        r#"parsing time "invalid-date" as "2006-01-02": cannot parse "invalid-date" as "2006""#
    );
    let e = parse(b"2006-01-02", b"2024-02-30").unwrap_err();
    assert_eq!(e.0, r#"parsing time "2024-02-30": day out of range"#);
    let e = parse(b"2006-01-02", b"2024-13-01").unwrap_err();
    assert_eq!(e.0, r#"parsing time "2024-13-01": month out of range"#);
    let e = parse(b"2006-01-02", b"2024-01-01 trailing").unwrap_err();
    assert_eq!(
        e.0,
        r#"parsing time "2024-01-01 trailing": extra text: " trailing""#
    );
    assert!(parse(b"15:04", b"25:00").is_err());
    assert!(parse(b"2006-01-02", b"").is_err());
    assert!(parse(b"", b"x").is_err());
    assert!(parse(b"\xff2006", b"\xff20").is_err());
}

#[test]
fn date_normalizes_like_go() {
    let utc = Location::utc();
    let unix = |y, mo, d, h, mi, s| {
        calendar::date(y, mo, d, h, mi, s, 0, &utc)
            .unwrap()
            .as_second()
    };
    assert_eq!(unix(2024, 12, 29, 15, 4, 5), 1_735_484_645);
    assert_eq!(unix(1970, 1, 1, 0, 0, 1), 1);
    // October 32 is November 1; month 13 is January of the next year.
    assert_eq!(unix(2023, 10, 32, 0, 0, 0), unix(2023, 11, 1, 0, 0, 0));
    assert_eq!(unix(2023, 13, 1, 0, 0, 0), unix(2024, 1, 1, 0, 0, 0));
    assert_eq!(unix(2024, 3, 1, -1, 0, 0), unix(2024, 2, 29, 23, 0, 0));
    assert!(calendar::date(99_999, 1, 1, 0, 0, 0, 0, &utc).is_none());
    assert!(calendar::is_zero(
        calendar::date(1, 1, 1, 0, 0, 0, 0, &utc).unwrap()
    ));
}

#[test]
fn durations_print_and_parse_like_go() {
    assert_eq!(go_string(0), "0s");
    assert_eq!(go_string(5_400_000_000_000), "1h30m0s");
    assert_eq!(go_string(1_500_000_000), "1.5s");
    assert_eq!(go_string(250_000), "250µs");
    assert_eq!(go_string(1_500_000), "1.5ms");
    assert_eq!(go_string(-123_000_000_000), "-2m3s");
    assert_eq!(go_string(7), "7ns");
    assert_eq!(parse_go_duration("-1h30m"), Ok(-5_400_000_000_000));
    assert!(parse_go_duration("invalid").is_err());
}

#[test]
fn parse_and_format_never_panic_on_cut_input() {
    let layouts: [&[u8]; 6] = [
        b"2006-01-02T15:04:05.999999999Z07:00",
        b"Mon, 02 Jan 2006 15:04:05 MST",
        b"Jan _2 __2 002 3:04:05.000PM -07:00:00 Z070000",
        b"Monday January 2 06 pm -07 Z07 .9 ,0",
        b"_2006 .0001 MST",
        b"\xff\xfe2006",
    ];
    let values: [&[u8]; 5] = [
        b"2024-12-29T15:04:05.123456789+05:30",
        b"Sun, 29 Dec 2024 15:04:05 GMT+3",
        b"Dec  9 364 364 3:04:05.000PM -07:00:00 Z",
        b"\xff\xfe2024 99999999999999999999",
        b"-0700 +99 ChST WITA ABCDT",
    ];
    for layout in layouts {
        let _ = format(layout, &sample(-12_345, ""));
        for value in values {
            for cut in 0..=value.len() {
                let _ = parse(layout, &value[..cut]);
                let _ = parse(&layout[..cut.min(layout.len())], &value[..cut]);
            }
        }
    }
}
