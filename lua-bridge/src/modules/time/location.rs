//! Location values: Go's `*time.Location`, a named time zone.
//!
//! `time.utc` (`"UTC"`), `time.localtz` (`"Local"`: the system zone, from `TZ` or
//! `/etc/localtime`), `time.load_location(name)` (the system tz database) and
//! `time.fixed_zone(name, offset)`. A location's `:string()` (and `tostring`) is the name
//! it was made with, as in Go.

use crate::modules::errors::fail;
use crate::vm::lua::{CFn, LResult, LUA_TNUMBER, Lua, Raise, UserType, cfn, method_index};
use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use std::ffi::c_int;
use std::sync::Arc;
use wippy_runtime::payload::ErrorKind;

/// A time zone with the name Go would give it.
#[derive(Debug, Clone)]
pub(crate) struct Location {
    pub(crate) tz: TimeZone,
    name: Name,
}

#[derive(Debug, Clone)]
enum Name {
    Utc,
    Local,
    /// From the tz database, under the name it was asked for.
    Zone(Arc<str>),
    /// `fixed_zone` (or a parsed offset): the name is also its abbreviation.
    Fixed(Arc<str>),
}

impl Location {
    /// UTC.
    pub(crate) fn utc() -> Location {
        Location {
            tz: TimeZone::UTC,
            name: Name::Utc,
        }
    }

    /// The system's zone (Go's `time.Local`).
    pub(crate) fn local() -> Location {
        Location {
            tz: TimeZone::system(),
            name: Name::Local,
        }
    }

    /// A zone `offset` seconds east of UTC called `name`; `None` past ±25:59:59.
    pub(crate) fn fixed(name: &str, offset: i64) -> Option<Location> {
        let offset = Offset::from_seconds(i32::try_from(offset).ok()?).ok()?;
        Some(Location {
            tz: TimeZone::fixed(offset),
            name: Name::Fixed(name.into()),
        })
    }

    /// Go's `time.LoadLocation` (the empty name is the caller's to refuse).
    fn load(name: &str) -> Result<Location, String> {
        match name {
            "UTC" => return Ok(Location::utc()),
            "Local" => return Ok(Location::local()),
            _ => {}
        }
        let unknown = || format!("unknown time zone {name}");
        let tz = TimeZone::get(name).map_err(|_| unknown())?;
        // The tz database's files are looked up case-sensitively by Go.
        if tz.iana_name().is_some_and(|canonical| canonical != name) {
            return Err(unknown());
        }
        Ok(Location {
            tz,
            name: Name::Zone(name.into()),
        })
    }

    /// The name Go's `Location.String` gives.
    pub(crate) fn name(&self) -> &str {
        match &self.name {
            Name::Utc => "UTC",
            Name::Local => "Local",
            Name::Zone(n) | Name::Fixed(n) => n,
        }
    }

    /// The offset (seconds east of UTC) of a zone of this location named `name` at any
    /// time, the one in effect nearest to `around` first: the last step of Go's
    /// `Location.lookupName` ("fall back to an ordinary name match"), which takes `EST`
    /// in New York in July as -5 h. Looks at most a few hundred transitions either side.
    pub(crate) fn offset_of_zone_named(&self, name: &str, around: Timestamp) -> Option<i64> {
        const TRANSITIONS: usize = 1000;
        let found = self
            .tz
            .preceding(around)
            .take(TRANSITIONS)
            .map(|t| (t.offset(), t.abbreviation() == name))
            .chain(
                self.tz
                    .following(around)
                    .take(TRANSITIONS)
                    .map(|t| (t.offset(), t.abbreviation() == name)),
            )
            .find_map(|(offset, named)| named.then_some(offset));
        found.map(|offset| i64::from(offset.seconds()))
    }

    /// The offset (seconds east of UTC) and the zone abbreviation in effect at `at`.
    pub(crate) fn zone_at(&self, at: Timestamp) -> (i64, String) {
        let info = self.tz.to_offset_info(at);
        let abbreviation = match &self.name {
            Name::Fixed(n) => n.to_string(),
            _ => info.abbreviation().to_owned(),
        };
        (i64::from(info.offset().seconds()), abbreviation)
    }
}

method_index!(fn location_index {
    b"string" => cfn(location_string),
});

static LOCATION: UserType<Location> = UserType::new(
    c"wippy.time.location",
    Some(location_index as CFn),
    &[("__tostring", cfn(location_string))],
);

/// Pushes a Location value.
pub(crate) fn push_location(lua: Lua, loc: Location) {
    lua.push_userdata(loc, &LOCATION);
}

/// The Location at `idx`, if it is one.
pub(crate) fn location_value(lua: Lua, idx: c_int) -> Option<Location> {
    lua.userdata(idx, &LOCATION).map(|l| l.clone())
}

/// The optional location argument at `idx` of `what`: absent is Local; anything given
/// must be a Location (Go's `ArgError(n, "location expected")`).
pub(crate) fn location_arg(lua: Lua, idx: c_int, what: &str) -> LResult<Location> {
    if lua.top() < idx {
        return Ok(Location::local());
    }
    location_value(lua, idx).ok_or_else(|| {
        Raise::from(format!(
            "bad argument #{idx} to '{what}' (location expected)"
        ))
    })
}

fn location_string(lua: Lua) -> LResult<c_int> {
    let name = lua
        .userdata(1, &LOCATION)
        .map(|l| l.name().to_owned())
        .ok_or_else(|| {
            Raise::from("bad argument #1 to 'string' (location expected; call it as loc:string())")
        })?;
    lua.push_str(&name);
    Ok(1)
}

/// A string argument, as bytes (a number as its text, as the original's `CheckString`
/// takes one); anything else raises a bad-argument error.
pub(crate) fn string_arg<'a>(lua: Lua, idx: c_int, what: &str) -> LResult<&'a [u8]> {
    lua.bytes_or_number(idx).map_or_else(
        || {
            Err(Raise::from(format!(
                "bad argument #{idx} to '{what}' (string expected, got {})",
                lua.type_name(idx)
            )))
        },
        Ok,
    )
}

/// An integer argument (a float is truncated, as Go's `CheckInt` does).
pub(crate) fn int_arg(lua: Lua, idx: c_int, what: &str) -> LResult<i64> {
    if lua.kind(idx) == LUA_TNUMBER {
        if let Some(i) = lua.int(idx) {
            return Ok(i);
        }
        let n = lua.number(idx).unwrap_or(0.0);
        if n.is_finite() {
            #[allow(clippy::cast_possible_truncation)]
            return Ok(n as i64);
        }
    }
    // Here a number is NaN or infinite.
    let got = match lua.number(idx).filter(|_| lua.kind(idx) == LUA_TNUMBER) {
        Some(n) if n.is_nan() => "NaN",
        Some(n) if n > 0.0 => "inf",
        Some(_) => "-inf",
        None => lua.type_name(idx),
    };
    Err(Raise::from(format!(
        "bad argument #{idx} to '{what}' (finite number expected, got {got})"
    )))
}

/// `time.load_location(name) -> Location | nil, err` (INVALID for "", NOT_FOUND).
pub(crate) fn load_location(lua: Lua) -> LResult<c_int> {
    let name = String::from_utf8_lossy(string_arg(lua, 1, "load_location")?).into_owned();
    if name.is_empty() {
        return fail(lua, ErrorKind::Invalid, "empty location name");
    }
    match Location::load(&name) {
        Ok(loc) => {
            push_location(lua, loc);
            Ok(1)
        }
        Err(e) => fail(lua, ErrorKind::NotFound, format!("time.load_location: {e}")),
    }
}

/// `time.fixed_zone(name, offset_seconds) -> Location`.
pub(crate) fn fixed_zone(lua: Lua) -> LResult<c_int> {
    let name = String::from_utf8_lossy(string_arg(lua, 1, "fixed_zone")?).into_owned();
    let offset = int_arg(lua, 2, "fixed_zone")?;
    let loc = Location::fixed(&name, offset).ok_or_else(|| {
        Raise::from(format!(
            "bad argument #2 to 'fixed_zone' (offset {offset}s is beyond ±25:59:59)"
        ))
    })?;
    push_location(lua, loc);
    Ok(1)
}
