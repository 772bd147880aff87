//! The byte forms a payload can be transcoded to and read back from: the text of
//! `text/plain` and `application/octet-stream`, MessagePack (`application/msgpack`) and
//! YAML (`yaml/plain`). [`super::payload`] decides which one a transcode needs; this file
//! only turns a [`Payload`] value into bytes and bytes into a value.
//!
//! Text and bytes follow the original's `ToString`/`ToBytes` transcoders (R
//! `runtime/lua/engine/payload/string.go`, `bytes.go`): a string as it is, an integer in
//! decimal, a float as Go's `%v` writes it (`3`, `1.5`, `1e+06`), a boolean as
//! `true`/`false`, `nil` as nothing, an error as its message. A table is its JSON text
//! (the original writes Go's `%v` of the table, `map[a:1]`, which nothing reads back).
//!
//! MessagePack follows the original's codec (R `runtime/lua/engine/payload/msgpack.go`):
//! a string is a `str` (a `bin` when it is not UTF-8), a float a float 64, an error its
//! message; reading takes `str` and `bin` as strings, any integer (one past `i64` as a
//! float) and float, and refuses extension types, map keys that are no scalar, nesting
//! deeper than [`MAX_DEPTH`] and bytes after the value. The reserved byte `0xc1` reads as
//! `nil` (the codec's choice; Go's refuses it).

use rmpv::Value;
use wippy_runtime::payload::{Map, MapKey, Payload, Text};

use crate::modules::json;
use crate::value::MAX_DEPTH;

/// The text of a value for `text/plain` and `application/octet-stream` (see the module
/// docs); `Err` with the reason when a table cannot be written as JSON.
pub(crate) fn plain_text(value: &Payload) -> Result<Text, String> {
    Ok(match value {
        Payload::Nil => Text::default(),
        Payload::Bool(b) => Text::from(if *b { "true" } else { "false" }),
        Payload::Int(i) => Text::from(i.to_string()),
        Payload::Float(f) => Text::from(go_float(*f)),
        Payload::Str(s) => s.clone(),
        Payload::Error(e) => Text::from(e.text().into_owned()),
        table @ (Payload::Array(_) | Payload::Map(_)) => {
            Text::from(json::encode(table).map_err(|e| e.message().to_owned())?)
        }
    })
}

/// A float as Go's `%v` (`strconv.FormatFloat(f, 'g', -1, 64)`): the shortest digits that
/// read back as `f`, in exponent form when the decimal exponent is below -4 or at least 6
/// (Go's `formatDigits` decides the shortest form with precision 6).
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest digits that read back: `d.ddde±x`.
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..6).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs());
    }
    // Plain form: Rust's `Display` of a float is the same shortest digits without
    // exponent; an integral value has no fraction.
    let plain = f.to_string();
    plain
        .strip_suffix(".0")
        .map_or(plain.clone(), str::to_owned)
}

/// A value as MessagePack bytes.
pub(crate) fn to_msgpack(value: &Payload) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &msgpack_value(value))
        .map_err(|e| format!("cannot encode MessagePack: {e}"))?;
    Ok(out)
}

fn msgpack_value(value: &Payload) -> Value {
    match value {
        Payload::Nil => Value::Nil,
        Payload::Bool(b) => Value::Boolean(*b),
        Payload::Int(i) => Value::from(*i),
        Payload::Float(f) => Value::F64(*f),
        Payload::Str(s) => msgpack_text(s),
        Payload::Error(e) => Value::from(e.text().into_owned()),
        Payload::Array(items) => Value::Array(items.iter().map(msgpack_value).collect()),
        Payload::Map(map) => Value::Map(
            map.iter()
                .map(|(k, v)| (msgpack_key(k), msgpack_value(v)))
                .collect(),
        ),
    }
}

fn msgpack_text(s: &Text) -> Value {
    match std::str::from_utf8(s) {
        Ok(text) => Value::from(text),
        Err(_) => Value::Binary(s.to_vec()),
    }
}

fn msgpack_key(key: &MapKey) -> Value {
    match key {
        MapKey::Bool(b) => Value::Boolean(*b),
        MapKey::Int(i) => Value::from(*i),
        MapKey::Float(f) => Value::F64(f.get()),
        MapKey::Str(s) => msgpack_text(s),
    }
}

/// The value MessagePack `bytes` hold (see the module docs for what is refused).
pub(crate) fn from_msgpack(bytes: &[u8]) -> Result<Payload, String> {
    let mut reader = bytes;
    let value = rmpv::decode::read_value_with_max_depth(&mut reader, MAX_DEPTH + 1)
        .map_err(|e| format!("cannot decode MessagePack: {e}"))?;
    if !reader.is_empty() {
        return Err(format!(
            "cannot decode MessagePack: {} bytes after the value",
            reader.len()
        ));
    }
    payload_of(value, 0)
}

fn payload_of(value: Value, depth: usize) -> Result<Payload, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "cannot decode MessagePack: nested deeper than {MAX_DEPTH} levels"
        ));
    }
    Ok(match value {
        Value::Nil => Payload::Nil,
        Value::Boolean(b) => Payload::Bool(b),
        Value::Integer(i) => match i.as_i64() {
            Some(i) => Payload::Int(i),
            None => Payload::Float(i.as_f64().unwrap_or(f64::NAN)),
        },
        Value::F32(f) => Payload::Float(f64::from(f)),
        Value::F64(f) => Payload::Float(f),
        Value::String(s) => Payload::Str(Text::from(s.into_bytes())),
        Value::Binary(b) => Payload::Str(Text::from(b)),
        Value::Array(items) => Payload::Array(
            items
                .into_iter()
                .map(|v| payload_of(v, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(pairs) => {
            let mut map = Map::new();
            for (k, v) in pairs {
                let key = map_key(k)?;
                map.insert(key, payload_of(v, depth + 1)?);
            }
            Payload::Map(std::sync::Arc::new(map))
        }
        Value::Ext(kind, _) => {
            return Err(format!(
                "cannot decode MessagePack: extension type {kind} has no Lua value"
            ));
        }
    })
}

fn map_key(key: Value) -> Result<MapKey, String> {
    let refuse = |what: &str| Err(format!("cannot decode MessagePack: a map key is {what}"));
    match key {
        Value::Boolean(b) => Ok(MapKey::Bool(b)),
        Value::Integer(i) => match i.as_i64() {
            Some(i) => Ok(MapKey::Int(i)),
            None => float_key(i.as_f64().unwrap_or(f64::NAN)),
        },
        Value::F32(f) => float_key(f64::from(f)),
        Value::F64(f) => float_key(f),
        Value::String(s) => Ok(MapKey::Str(Text::from(s.into_bytes()))),
        Value::Binary(b) => Ok(MapKey::Str(Text::from(b))),
        Value::Nil => refuse("nil"),
        Value::Array(_) => refuse("an array"),
        Value::Map(_) => refuse("a map"),
        Value::Ext(..) => refuse("an extension value"),
    }
}

fn float_key(f: f64) -> Result<MapKey, String> {
    MapKey::from_f64(f).ok_or_else(|| "cannot decode MessagePack: a map key is NaN".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_go_writes_them() {
        for (f, text) in [
            (3.0, "3"),
            (1.5, "1.5"),
            (-0.25, "-0.25"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (1e6, "1e+06"),
            (1e20, "1e+20"),
            (123456.5, "123456.5"),
            (1.5e300, "1.5e+300"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
            (-0.0, "-0"),
        ] {
            assert_eq!(go_float(f), text, "{f:e}");
        }
    }

    #[test]
    fn msgpack_round_trip_and_refusals() {
        let value = Payload::map([
            ("a", Payload::array([Payload::Int(1), Payload::Float(2.5)])),
            ("b", Payload::string([0xff_u8, 0x00])),
            ("c", Payload::Bool(true)),
        ]);
        let bytes = to_msgpack(&value).unwrap();
        assert_eq!(from_msgpack(&bytes).unwrap(), value);
        let mut trailing = bytes.clone();
        trailing.push(0xc0);
        assert!(
            from_msgpack(&trailing)
                .unwrap_err()
                .contains("1 bytes after")
        );
        assert!(from_msgpack(&bytes[..bytes.len() - 1]).is_err());
        // fixext 1 (type 5): no Lua value.
        assert!(
            from_msgpack(&[0xd4, 5, 0])
                .unwrap_err()
                .contains("extension type 5")
        );
        // {nil: 1}
        assert!(
            from_msgpack(&[0x81, 0xc0, 0x01])
                .unwrap_err()
                .contains("nil")
        );
        // 2^64 - 1 is past i64: a float.
        let big = [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(from_msgpack(&big).unwrap(), Payload::Float(u64::MAX as f64));
        // Deep nesting: refused, not a stack overflow.
        let deep = vec![0x91_u8; 100_000];
        assert!(from_msgpack(&deep).is_err());
    }
}
