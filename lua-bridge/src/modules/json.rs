//! The `json` module (reference §1.8; R `modules/json/spec.md`): `json.encode(v) -> str, err`
//! and `json.decode(s) -> v, err` (and JSON Schema validation, `json_schema.rs`).
//!
//! Both go through a [`Payload`], so JSON and message copies agree on what a table is
//! ([`crate::value`]): `encode` copies the value with `to_payload` and writes the
//! payload, `decode` parses into a payload and builds it with `push_payload`. The Rust side
//! ([`encode`], [`decode`]) is public for other modules (HTTP bodies, payload transcoding).
//!
//! Encoding (as the original's encoder, R `modules/json/json.go`):
//! - `nil` is `null`; an empty table is `[]`; a sequence is an array; any other table is
//!   an object, its keys sorted bytewise so the output is deterministic. A key that is not
//!   a string is written as its text (`true`, `1.5`, `0`), except the positive integers
//!   that make an array.
//! - Sparse arrays, tables mixing positive integer keys with others, tables that contain
//!   themselves, and nesting past [`MAX_DEPTH`] tables are errors.
//! - NaN, infinities, functions, threads and userdata other than errors and payloads are
//!   `null`; an error value is its text (`tostring(err)`), where the Rust side's
//!   [`encode`] (payload transcoding) writes the object below.
//! - Integers are written as integers. A float at the top level is written as Go's
//!   `json.Marshal` writes it: its shortest round-trip form, with an exponent below 1e-6
//!   and from 1e21 (`2`, `1.5`, `1e-7`, `1e+21`). A float inside a table is written as
//!   the original's table writer does: a whole number in the range of a 64-bit integer
//!   as that integer, any other in its shortest form without an exponent (`0.0000001`,
//!   `1000000000000000000000`); a float key likewise.
//! - Strings are written as UTF-8 with `"`, `\` and control characters escaped, and, as
//!   Go's encoder does, `<`, `>`, `&`, U+2028 and U+2029 as `\u003c` ...; bytes that are
//!   not UTF-8 become U+FFFD.
//! - For [`encode`], an error value is an object with its `kind`, `message`, and
//!   `retryable` and `details` when they are set.
//!
//! Decoding:
//! - `null` is `nil`, arrays are sequences, objects are tables with string keys (a repeated
//!   key is an error, as in the original's decoder); an empty object is a table that
//!   encodes back as `{}` while it stays empty (`crate::value`).
//! - A number without fraction or exponent that fits in 64 bits is an integer; any other number
//!   is a float.
//! - Errors name the line and column. A value may sit below at most 128 containers, as in
//!   the original's decoder (129 nested arrays parse; 130, or a value inside the 129th, do
//!   not).
//!
//! All failures are `nil, err`, not retryable: kind `INVALID` for a `decode` argument that
//! is not a string or is empty, `INTERNAL` for a value that cannot be encoded and text
//! that does not parse (the original's kinds); nothing raises (except a VM out of memory).

use std::cell::Cell;
use std::ffi::c_int;
use std::fmt;
use std::io::Write as _;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use wippy_runtime::payload::{ErrorKind, ErrorValue, Map, MapKey, Payload, Text};

use crate::modules::errors::fail;
use crate::value::{MAX_DEPTH, push_payload, text_exceeds, to_payload, too_large_for_memory};
use crate::vm::lua::{LResult, Lua, Raise, cfn};

/// Pushes the `json` table (`encode`, `decode`, and `validate`, `validate_string` from
/// `json_schema.rs`).
///
/// Lua errors: none from the functions. Failures give `nil, err`, not retryable, with the
/// original's kinds: `INVALID` for a `decode` argument that is not a string or is empty,
/// `INTERNAL` for a value that cannot be encoded or text that does not parse.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.push_function_table(&[
        (c"encode", cfn(lua_encode)),
        (c"decode", cfn(lua_decode)),
        (c"validate", cfn(super::json_schema::validate)),
        (c"validate_string", cfn(super::json_schema::validate_string)),
    ])
}

/// `json.encode(v)`: `text, nil` or `nil, err`.
fn lua_encode(lua: Lua) -> LResult<c_int> {
    let room = lua.memory_room();
    let limit = room.free.saturating_add(room.used);
    let text = to_payload(lua, 1)
        .map_err(|e| e.to_error_value())
        .and_then(|p| {
            if text_exceeds(&p, limit) {
                return Err(too_large_for_memory(limit));
            }
            let mut out = Vec::with_capacity(64);
            write_value(&mut out, &p, 0, Style::Json)?;
            Ok(out)
        });
    match text {
        Ok(text) => {
            lua.try_push_bytes(&text)?;
            lua.push_nil();
            Ok(2)
        }
        // As the original: a value that cannot be encoded is an INTERNAL error.
        Err(e) => fail(
            lua,
            ErrorKind::Internal,
            format!("json.encode: {}", e.message()),
        ),
    }
}

/// `json.decode(text)`: `v, nil` or `nil, err`.
fn lua_decode(lua: Lua) -> LResult<c_int> {
    let Some(text) = lua.bytes(1) else {
        return fail(
            lua,
            ErrorKind::Invalid,
            format!("json.decode expects a string, got {}", lua.type_name(1)),
        );
    };
    if text.is_empty() {
        return fail(
            lua,
            ErrorKind::Invalid,
            "json.decode: empty string is not valid JSON",
        );
    }
    match decode_in_room(lua, text)? {
        Ok(p) => {
            push_payload(lua, &p)?;
            lua.push_nil();
            Ok(2)
        }
        // As the original: text that does not parse is an INTERNAL error.
        Err(e) => fail(
            lua,
            ErrorKind::Internal,
            format!("json.decode: {}", e.message()),
        ),
    }
}

/// [`decode`] for the process whose VM `lua` is (`json.decode`, `p:data()` of a JSON
/// payload). The tree is built on the Rust side before it becomes Lua tables: it may
/// take twice the room the process has left (a Lua table holds its values in less),
/// and past that the decode raises the memory error the tables would have met.
///
/// # Errors
///
/// The memory error, raised; text that does not parse is the inner `Err`.
pub(crate) fn decode_in_room(lua: Lua, text: &[u8]) -> LResult<Result<Payload, ErrorValue>> {
    let room = lua.memory_room();
    let budget = Budget::new(if room.used == 0 {
        // Not a process VM (`Lua::memory_room`): no limit is known.
        usize::MAX
    } else {
        room.free.saturating_mul(2)
    });
    match decode_within(text, &budget) {
        Err(_) if budget.exceeded.get() => Err(Raise::Memory),
        decoded => Ok(decoded),
    }
}

/// Writes a payload as JSON text (see the [module docs](self) for the rules).
///
/// Errors (kind `INVALID`): sparse or mixed tables, nesting deeper than [`MAX_DEPTH`].
pub fn encode(p: &Payload) -> Result<Vec<u8>, ErrorValue> {
    let mut out = Vec::with_capacity(64);
    write_value(&mut out, p, 0, Style::Transcode)?;
    Ok(out)
}

/// How values JSON has no plain form for are written: `json.encode` writes an error
/// value as its text (as the original's encoder, `err.Error()`); the Rust side ([`encode`]:
/// payload transcoding) as an object; log fields ([`log_text`]) as text, and a sparse or
/// mixed table as an object keyed by the keys' text instead of failing.
#[derive(Clone, Copy)]
enum Style {
    Json,
    Transcode,
    Log,
}

/// A log record's fields as a JSON object. It never fails: a table JSON has no form for
/// is written as an object (keys as text), and a field nested too deep as the error's
/// text, so one odd field hides nothing else.
pub(crate) fn log_text(fields: &Map) -> Vec<u8> {
    let mut entries: Vec<(String, &Payload)> =
        fields.iter().map(|(k, v)| (key_text(k), v)).collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::with_capacity(64);
    out.push(b'{');
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(&mut out, k.as_bytes(), Style::Log);
        out.push(b':');
        let start = out.len();
        if let Err(e) = write_value(&mut out, v, 1, Style::Log) {
            out.truncate(start);
            write_string(&mut out, e.message().as_bytes(), Style::Log);
        }
    }
    out.push(b'}');
    out
}

/// Parses JSON text into a payload (see the [module docs](self) for the rules).
///
/// Errors (kind `INVALID`): the parser's message, naming the line and column.
pub fn decode(text: &[u8]) -> Result<Payload, ErrorValue> {
    decode_within(text, &Budget::new(usize::MAX))
}

/// As [`decode`], building a tree of at most about `budget`'s bytes: past them the
/// decode fails and `budget.exceeded` is set.
fn decode_within(text: &[u8], budget: &Budget) -> Result<Payload, ErrorValue> {
    let mut de = serde_json::Deserializer::from_slice(text);
    de.disable_recursion_limit();
    let p = PayloadSeed { depth: 0, budget }
        .deserialize(&mut de)
        .and_then(|p| de.end().map(|()| p))
        .map_err(|e| invalid(e.to_string()))?;
    Ok(p)
}

fn invalid(message: impl Into<String>) -> ErrorValue {
    ErrorValue::new(ErrorKind::Invalid, message)
}

/// `depth` is the number of containers enclosing `p`.
fn write_value(
    out: &mut Vec<u8>,
    p: &Payload,
    depth: usize,
    style: Style,
) -> Result<(), ErrorValue> {
    match p {
        Payload::Nil => out.extend_from_slice(b"null"),
        Payload::Bool(true) => out.extend_from_slice(b"true"),
        Payload::Bool(false) => out.extend_from_slice(b"false"),
        Payload::Int(i) => write_display(out, i),
        Payload::Float(f) if depth > 0 && !matches!(style, Style::Log) => {
            write_nested_float(out, *f)
        }
        Payload::Float(f) => write_float(out, *f),
        Payload::Str(s) => write_string(out, s, style),
        Payload::Array(items) => {
            check_depth(depth)?;
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item, depth + 1, style)?;
            }
            out.push(b']');
        }
        Payload::Map(map) => {
            check_depth(depth)?;
            write_object(out, map, depth, style)?;
        }
        Payload::Error(e) if matches!(style, Style::Json | Style::Log) => {
            write_string(out, e.text().as_bytes(), style);
        }
        Payload::Error(e) => {
            check_depth(depth)?;
            out.extend_from_slice(b"{");
            if let Some(d) = e.details() {
                out.extend_from_slice(b"\"details\":");
                write_value(out, d, depth + 1, style)?;
                out.push(b',');
            }
            out.extend_from_slice(b"\"kind\":");
            write_string(out, e.kind().as_str().as_bytes(), style);
            out.extend_from_slice(b",\"message\":");
            write_string(out, e.text().as_bytes(), style);
            if let Some(r) = e.retryable() {
                out.extend_from_slice(if r {
                    b",\"retryable\":true"
                } else {
                    b",\"retryable\":false"
                });
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn check_depth(depth: usize) -> Result<(), ErrorValue> {
    if depth >= MAX_DEPTH {
        return Err(invalid(format!("nested deeper than {MAX_DEPTH} levels")));
    }
    Ok(())
}

/// Writes a map as an object. As the original's encoder, a positive integer key makes a
/// table an array, so a map with one is sparse (only such keys) or mixed (also others);
/// any other key is written as its text (`true`, `1.5`, `0`, `-1`).
fn write_object(
    out: &mut Vec<u8>,
    map: &Map,
    depth: usize,
    style: Style,
) -> Result<(), ErrorValue> {
    let positive = map
        .keys()
        .filter(|k| matches!(k, MapKey::Int(i) if *i > 0))
        .count();
    if positive > 0 && !matches!(style, Style::Log) {
        return Err(invalid(if positive == map.len() {
            "cannot encode sparse array"
        } else {
            "cannot encode mixed table: it has both positive integer keys and other keys"
        }));
    }
    let mut entries: Vec<(std::borrow::Cow<'_, [u8]>, &Payload)> = Vec::with_capacity(map.len());
    for (k, v) in map.iter() {
        let key = match k {
            MapKey::Str(s) => std::borrow::Cow::Borrowed(&s[..]),
            // As the original's object writer: `strconv.FormatFloat(f, 'f', -1, 64)`.
            MapKey::Float(f) if !matches!(style, Style::Log) => {
                std::borrow::Cow::Owned(f.get().to_string().into_bytes())
            }
            other => std::borrow::Cow::Owned(key_text(other).into_bytes()),
        };
        entries.push((key, v));
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out.push(b'{');
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(out, &k, style);
        out.push(b':');
        write_value(out, v, depth + 1, style)?;
    }
    out.push(b'}');
    Ok(())
}

/// The text of a key that is not a string, as Lua's `tostring` gives it.
fn key_text(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::Int(i) => i.to_string(),
        MapKey::Float(f) => {
            let mut out = Vec::new();
            write_float(&mut out, f.get());
            String::from_utf8_lossy(&out).into_owned()
        }
        MapKey::Str(s) => String::from_utf8_lossy(s).into_owned(),
    }
}

fn write_display(out: &mut Vec<u8>, v: impl fmt::Display) {
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{v}");
}

fn write_float(out: &mut Vec<u8>, f: f64) {
    // NaN and the infinities have no JSON form: `null`, as the original writes them.
    if !f.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    // As the original's encoder (Go's `encoding/json`) writes a float64: the shortest
    // form that reads back the same, without an exponent from 1e-6 up to 1e21 (so `2.0`
    // is `2`), else with one, signed (`1e+21`, `1.5e-7`).
    let magnitude = f.abs();
    if magnitude == 0.0 || (1e-6..1e21).contains(&magnitude) {
        let _ = write!(out, "{f}");
    } else {
        let text = format!("{f:e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) if !exponent.starts_with('-') => {
                let _ = write!(out, "{mantissa}e+{exponent}");
            }
            _ => out.extend_from_slice(text.as_bytes()),
        }
    }
}

/// Writes a float inside a table as the original's table writer does
/// (`writeValueOptimized` in R `modules/json/json.go`), which differs from a float at
/// the top level (Go's `json.Marshal`, [`write_float`]): a whole number in the range
/// of a 64-bit integer as that integer (`-0.0` is `0`), any other finite number in its
/// shortest round-trip form without an exponent (`0.0000001`, `1000000000000000000000`;
/// Rust's `Display` is Go's `FormatFloat(f, 'f', -1, 64)`). (Go converts 2^63, which
/// passes its range check, to the smallest integer; here it is 9223372036854776000.)
fn write_nested_float(out: &mut Vec<u8>, f: f64) {
    if !f.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    // -2^63 <= f < 2^63: the range `as i64` converts exactly for a whole number.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f == f.trunc() && (-TWO_63..TWO_63).contains(&f) {
        write_display(out, f as i64);
    } else {
        write_display(out, f);
    }
}

/// Writes a JSON string; bytes that are not UTF-8 become U+FFFD. Except in log fields,
/// HTML's special characters and JavaScript's line ends are escaped too, as Go's encoder
/// (the original's) does.
fn write_string(out: &mut Vec<u8>, bytes: &[u8], style: Style) {
    let html = !matches!(style, Style::Log);
    out.push(b'"');
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid().as_bytes();
        let mut start = 0;
        for (i, &b) in valid.iter().enumerate() {
            // U+2028 and U+2029 (E2 80 A8/A9) end a line in JavaScript: escaped, as Go does.
            if html && b == 0xe2 && matches!(valid.get(i + 1..i + 3), Some([0x80, 0xa8 | 0xa9])) {
                out.extend_from_slice(&valid[start..i]);
                out.extend_from_slice(if valid[i + 2] == 0xa8 {
                    b"\\u2028"
                } else {
                    b"\\u2029"
                });
                start = i + 3;
                continue;
            }
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                // As Go's encoder (the original's): HTML's special characters too, so
                // the text is safe inside a <script> element.
                0..=0x1f => b"",
                b'<' | b'>' | b'&' if html => b"",
                _ => continue,
            };
            out.extend_from_slice(&valid[start..i]);
            if escape.is_empty() {
                let _ = write!(out, "\\u{b:04x}");
            } else {
                out.extend_from_slice(escape);
            }
            start = i + 1;
        }
        out.extend_from_slice(&valid[start..]);
        if !chunk.invalid().is_empty() {
            out.extend_from_slice("\u{fffd}".as_bytes());
        }
    }
    out.push(b'"');
}

/// How deep a decoded value may sit: the original's decoder refuses a value (of any
/// kind) below more than this many containers, the top-level value being at depth 0.
const MAX_DECODE_DEPTH: usize = 128;

/// Builds a [`Payload`] straight from the parser's events (no intermediate JSON tree);
/// `depth` is the number of containers around the value. The parser's own recursion
/// limit is off (it is one level short of the original's); this depth bounds the
/// recursion instead.
struct PayloadSeed<'b> {
    depth: usize,
    budget: &'b Budget,
}

/// The bytes a decode may still build on the Rust side: each value costs its node and
/// its text, each object member its slot and name.
struct Budget {
    left: Cell<usize>,
    exceeded: Cell<bool>,
}

impl Budget {
    fn new(bytes: usize) -> Budget {
        Budget {
            left: Cell::new(bytes),
            exceeded: Cell::new(false),
        }
    }

    fn take<E: serde::de::Error>(&self, bytes: usize) -> Result<(), E> {
        match self.left.get().checked_sub(bytes) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom(
                    "json: the value is too large for the process's memory",
                ))
            }
        }
    }
}

/// What one decoded value costs the budget beyond its text: its node.
const NODE_BYTES: usize = std::mem::size_of::<Payload>();
/// What one object member costs beyond its value and name: its slot.
const MEMBER_BYTES: usize = std::mem::size_of::<(MapKey, Payload)>();

impl<'de> DeserializeSeed<'de> for PayloadSeed<'_> {
    type Value = Payload;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Payload, D::Error> {
        if self.depth > MAX_DECODE_DEPTH {
            return Err(serde::de::Error::custom(
                "json: maximum nesting depth exceeded",
            ));
        }
        self.budget.take(NODE_BYTES)?;
        d.deserialize_any(PayloadVisitor {
            depth: self.depth,
            budget: self.budget,
        })
    }
}

struct PayloadVisitor<'b> {
    depth: usize,
    budget: &'b Budget,
}

impl<'de> Visitor<'de> for PayloadVisitor<'_> {
    type Value = Payload;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Payload, E> {
        Ok(Payload::Nil)
    }

    fn visit_none<E>(self) -> Result<Payload, E> {
        Ok(Payload::Nil)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Payload, E> {
        Ok(Payload::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Payload, E> {
        Ok(Payload::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Payload, E> {
        #[allow(clippy::cast_precision_loss)]
        Ok(i64::try_from(v).map_or(Payload::Float(v as f64), Payload::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Payload, E> {
        Ok(Payload::Float(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Payload, E> {
        self.budget.take(v.len())?;
        Ok(Payload::string(v))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Payload, E> {
        self.budget.take(v.len())?;
        Ok(Payload::Str(Text::from(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Payload, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        let inner = self.depth + 1;
        while let Some(item) = seq.next_element_seed(PayloadSeed {
            depth: inner,
            budget: self.budget,
        })? {
            items.push(item);
        }
        Ok(Payload::from(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Payload, A::Error> {
        let mut map = Map::with_capacity(access.size_hint().unwrap_or(0).min(1024));
        while let Some(key) = access.next_key::<String>()? {
            self.budget.take(MEMBER_BYTES.saturating_add(key.len()))?;
            let key = MapKey::Str(Text::from(key));
            // As the original's decoder (Go's `jsontext`, which refuses a repeated name).
            if map.get_key(&key).is_some() {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate object member name {:?}",
                    key_text(&key)
                )));
            }
            let value = access.next_value_seed(PayloadSeed {
                depth: self.depth + 1,
                budget: self.budget,
            })?;
            map.insert(key, value);
        }
        Ok(Payload::from(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decode_stops_when_its_tree_passes_the_budget() {
        let text = format!("[{}[]]", "[],".repeat(100_000));
        // The whole tree takes about 100 000 nodes; a budget of 1000 nodes stops it.
        let budget = Budget::new(1000 * NODE_BYTES);
        assert!(decode_within(text.as_bytes(), &budget).is_err());
        assert!(budget.exceeded.get());
        // Strings and member names count by their bytes.
        let budget = Budget::new(4096);
        let long = format!("{{\"k\":\"{}\"}}", "x".repeat(10_000));
        assert!(decode_within(long.as_bytes(), &budget).is_err());
        assert!(budget.exceeded.get());
        // Within the budget, as without one; bad text is no budget failure.
        let budget = Budget::new(1 << 20);
        assert_eq!(decode_within(b"[1,2]", &budget).ok(), decode(b"[1,2]").ok());
        assert!(decode_within(b"[1,", &budget).is_err());
        assert!(!budget.exceeded.get());
    }
}
