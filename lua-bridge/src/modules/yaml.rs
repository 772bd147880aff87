//! The `yaml` module (`modules: [yaml]`; R `runtime/lua/modules/yaml`): tables to YAML
//! text and back.
//!
//! | function | returns |
//! |---|---|
//! | `yaml.encode(t [, {field_order = {...}, sort_unordered = bool}])` | YAML text, `nil` |
//! | `yaml.decode(s)` | the value, `nil` |
//!
//! Encoding copies the table as a message would be copied ([`crate::value`]), then
//! shapes it as the original's `value.ToGoAny` does (R `engine/value/util.go`): a table
//! with an array part is a YAML sequence of its items 1..n, holes written as `null` and
//! keys outside 1..n left out (n is the largest integer key that at least half of
//! 1..n are keys under, as Lua sizes an array part: `{1, nil, 3}` is `[1, null, 3]`,
//! `{1, 2, x = 3}` is `[1, 2]`); any other table, the empty one too, is a mapping whose
//! keys are strings (`{[5] = "x"}` is `"5": x`). `nil` values and functions are left
//! out, an error value is its message. Mapping keys come out sorted (as Go's `yaml.v3`
//! writes a map), except that the keys named in `field_order` come first, in that
//! order, at every level (`sort_unordered` is accepted; the rest are sorted anyway).
//! Strings that would read back as something else (`"123"`, `"true"`, `""`, text with
//! `: `) are quoted. The text has no `---` line and ends with a newline. Known
//! differences from `yaml.v3`'s text, which read back as the same data: nesting is
//! indented by 2 (`yaml.v3` indents by 4 unless an option is given), a float keeps
//! its `.0` (`2.0`, where `yaml.v3` writes `2`), and a string with line breaks is
//! written quoted with `\n` (`yaml.v3` uses a `|-` block).
//!
//! Decoding reads the first document with the registry's own reader
//! ([`wippy_runtime::registry::decode_yaml`]: YAML 1.2 core schema, as `yaml.v3`;
//! nesting and alias expansion bounded); what follows a second `---` is not read, as
//! `yaml.v3`'s `Unmarshal` leaves it.
//!
//! Failures are `nil, err`, not retryable, with the original's kinds: `INVALID` for an
//! argument of the wrong type ("table expected", "string expected"), an empty string
//! ("input cannot be empty"), a table that cannot be copied (a cycle, too deep, a table
//! mixing a sequence with other keys), or a string that is not UTF-8 (YAML text is
//! UTF-8, and the original would write it as `!!binary`, which this reader does not
//! give back; refusing keeps the value from changing on the way); `INTERNAL` for text
//! that does not parse, with its line. Nothing raises.

use std::ffi::c_int;

use saphyr::{Mapping, Scalar, ScalarStyle, Yaml, YamlEmitter};
use wippy_runtime::payload::{ErrorKind, Map as PayloadMap, MapKey, Payload};
use wippy_runtime::registry::decode_yaml;

use crate::modules::base64::string_arg;
use crate::modules::errors::fail;
use crate::value::{push_payload, text_exceeds, to_payload, too_large_for_memory};
use crate::vm::lua::{LResult, LUA_TTABLE, Lua, cfn};

/// Pushes the `yaml` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.push_function_table(&[(c"encode", cfn(encode)), (c"decode", cfn(decode))])
}

fn encode(lua: Lua) -> LResult<c_int> {
    if lua.kind(1) != LUA_TTABLE {
        return fail(lua, ErrorKind::Invalid, "table expected");
    }
    let field_order = match field_order(lua) {
        Ok(order) => order,
        Err(message) => return fail(lua, ErrorKind::Invalid, message),
    };
    let payload = match to_payload(lua, 1) {
        Ok(p) => p,
        Err(e) => return fail(lua, ErrorKind::Invalid, format!("yaml.encode: {e}")),
    };
    let room = lua.memory_room();
    let limit = room.free.saturating_add(room.used);
    if text_exceeds(&payload, limit) {
        let error = too_large_for_memory(limit);
        return fail(
            lua,
            error.kind().clone(),
            format!("yaml.encode: {}", error.message()),
        );
    }
    match to_text(&payload, &field_order) {
        Ok(text) => {
            lua.try_push_bytes(text.as_bytes())?;
            lua.push_nil();
            Ok(2)
        }
        Err(message) => fail(lua, ErrorKind::Invalid, format!("yaml.encode: {message}")),
    }
}

/// The `field_order` strings of the options table at 2 (none without options).
fn field_order(lua: Lua) -> Result<Vec<String>, String> {
    if lua.kind(2) != LUA_TTABLE {
        return Ok(Vec::new());
    }
    let options = to_payload(lua, 2).map_err(|e| format!("yaml.encode options: {e}"))?;
    let Some(order) = options.get("field_order") else {
        return Ok(Vec::new());
    };
    match order {
        Payload::Array(items) => Ok(items
            .iter()
            .filter_map(Payload::as_str)
            .map(str::to_owned)
            .collect()),
        // The original reads the list part only; an empty table is an empty list.
        _ => Ok(Vec::new()),
    }
}

fn decode(lua: Lua) -> LResult<c_int> {
    let Some(text) = string_arg(lua, 1) else {
        return fail(lua, ErrorKind::Invalid, "string expected");
    };
    if text.is_empty() {
        return fail(lua, ErrorKind::Invalid, "input cannot be empty");
    }
    let Ok(text) = std::str::from_utf8(text) else {
        return fail(lua, ErrorKind::Internal, "decode failed: text is not UTF-8");
    };
    match decode_yaml(text) {
        Ok(p) => {
            push_payload(lua, &p)?;
            lua.push_nil();
            Ok(2)
        }
        Err(e) => fail(lua, ErrorKind::Internal, format!("decode failed: {e}")),
    }
}

/// `payload` as YAML text (see the module docs).
pub(crate) fn to_text(payload: &Payload, field_order: &[String]) -> Result<String, String> {
    let doc = to_yaml(payload, field_order, &mut Vec::new())?;
    let mut out = String::new();
    YamlEmitter::new(&mut out)
        .dump(&doc)
        .map_err(|e| e.to_string())?;
    let mut text = out
        .strip_prefix("---\n")
        .or_else(|| out.strip_prefix("--- "))
        .unwrap_or(&out)
        .to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// One payload as a YAML node; `path` names where it is, for errors.
fn to_yaml<'p>(
    payload: &'p Payload,
    field_order: &[String],
    path: &mut Vec<String>,
) -> Result<Yaml<'p>, String> {
    Ok(match payload {
        Payload::Nil => plain("null".to_owned()),
        Payload::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
        Payload::Int(i) => Yaml::Value(Scalar::Integer(*i)),
        Payload::Float(f) => plain(go_float(*f)),
        Payload::Str(s) => Yaml::Value(Scalar::String(utf8(s.as_slice(), path)?.into())),
        Payload::Error(e) => Yaml::Value(Scalar::String(e.message().into())),
        // An empty table has no array part: `{}`, as `ToGoAny` makes it a map.
        Payload::Array(items) if items.is_empty() => Yaml::Mapping(Mapping::new()),
        Payload::Map(map) if array_length(map).is_some() => {
            let length = array_length(map).unwrap_or(0);
            let mut seq = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
            for index in 1..=length {
                path.push(format!("[{index}]"));
                seq.push(match map.get_key(&MapKey::Int(index)) {
                    Some(item) => to_yaml(item, field_order, path)?,
                    None => plain("null".to_owned()),
                });
                path.pop();
            }
            Yaml::Sequence(seq)
        }
        Payload::Array(items) => {
            let mut seq = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push(format!("[{}]", i + 1));
                seq.push(to_yaml(item, field_order, path)?);
                path.pop();
            }
            Yaml::Sequence(seq)
        }
        Payload::Map(map) => {
            let mut pairs = Vec::with_capacity(map.len());
            for (key, value) in map.iter() {
                if matches!(value, Payload::Nil) {
                    continue;
                }
                let name = match key {
                    MapKey::Str(s) => String::from_utf8_lossy(s.as_slice()).into_owned(),
                    other => other.to_string(),
                };
                path.push(name.clone());
                // Keys are strings, as `ToGoAny` makes them (`key.String()`).
                let key_node = match key {
                    MapKey::Str(s) => Yaml::Value(Scalar::String(utf8(s.as_slice(), path)?.into())),
                    _ => Yaml::Value(Scalar::String(name.clone().into())),
                };
                let value_node = to_yaml(value, field_order, path)?;
                path.pop();
                pairs.push((name, key_node, value_node));
            }
            let rank = |name: &str| field_order.iter().position(|f| f == name);
            pairs.sort_by(|a, b| match (rank(&a.0), rank(&b.0)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => a.0.cmp(&b.0),
            });
            let mut mapping = Mapping::with_capacity(pairs.len());
            for (_, k, v) in pairs {
                mapping.insert(k, v);
            }
            Yaml::Mapping(mapping)
        }
    })
}

/// A scalar written as `text`, unquoted.
fn plain<'p>(text: String) -> Yaml<'p> {
    Yaml::Representation(text.into(), ScalarStyle::Plain, None)
}

/// A float as `yaml.v3` writes it: Go's `strconv.FormatFloat(f, 'g', -1, 64)` (the
/// shortest digits that read back as `f`, with an exponent below 1e-4 and from 1e6 up:
/// `2`, `0.5`, `1e+06`, `1.5e-05`), and `.nan`, `.inf`, `-.inf`.
fn go_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_owned();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-.inf" } else { ".inf" }.to_owned();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0");
    }
    // Rust's `{:e}` gives the same shortest digits: `-1.5e6`.
    let scientific = format!("{:e}", f.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if !(-4..6).contains(&exponent) {
        let fraction = if digits.len() > 1 {
            format!(".{}", &digits[1..])
        } else {
            String::new()
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        return format!(
            "{sign}{}{fraction}e{exponent_sign}{:02}",
            &digits[..1],
            exponent.unsigned_abs()
        );
    }
    if exponent < 0 {
        let zeros = "0".repeat(usize::try_from(-exponent - 1).unwrap_or(0));
        return format!("{sign}0.{zeros}{digits}");
    }
    let whole = usize::try_from(exponent).unwrap_or(0) + 1;
    if digits.len() <= whole {
        format!("{sign}{digits}{}", "0".repeat(whole - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..whole], &digits[whole..])
    }
}

/// The length of the array part the original would see in a table copied as `map`
/// (gopher-lua's `MaxN`), or `None` when it would see none: the largest positive
/// integer key n such that at least half of 1..n are keys, as Lua sizes an array part.
fn array_length(map: &PayloadMap) -> Option<i64> {
    let mut keys: Vec<i64> = map
        .iter()
        .filter_map(|(key, _)| match key {
            MapKey::Int(i) if *i >= 1 => Some(*i),
            _ => None,
        })
        .collect();
    keys.sort_unstable();
    let mut length = None;
    for (count, key) in (1_i64..).zip(keys) {
        if key <= count.saturating_mul(2) {
            length = Some(key);
        }
    }
    length
}

fn utf8<'b>(bytes: &'b [u8], path: &[String]) -> Result<&'b str, String> {
    std::str::from_utf8(bytes).map_err(|_| {
        if path.is_empty() {
            "a string that is not UTF-8".to_owned()
        } else {
            format!("the string at {} is not UTF-8", path.join("."))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &Payload) -> String {
        to_text(p, &[]).expect("encodes")
    }

    #[test]
    fn maps_are_sorted_and_strings_that_look_like_other_things_are_quoted() {
        let p = Payload::map([
            ("name", Payload::from("test")),
            ("count", Payload::from("123")),
            ("flag", Payload::from("true")),
            ("value", Payload::Int(123)),
            ("ratio", Payload::Float(2.0)),
        ]);
        assert_eq!(
            text(&p),
            "count: \"123\"\nflag: \"true\"\nname: test\nratio: 2\nvalue: 123\n"
        );
    }

    #[test]
    fn floats_are_written_as_go_writes_them() {
        let cases = [
            (2.0, "2"),
            (0.5, "0.5"),
            (-1.25, "-1.25"),
            (123_456.0, "123456"),
            (123_456.7, "123456.7"),
            (1e6, "1e+06"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (1e20, "1e+20"),
            (-0.0, "-0"),
            (f64::INFINITY, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
            (f64::NAN, ".nan"),
            (1e300, "1e+300"),
        ];
        for (f, want) in cases {
            assert_eq!(go_float(f), want, "{f}");
            if f.is_finite() && f.fract() != 0.0 {
                assert_eq!(
                    decode_yaml(&text(&Payload::Float(f))),
                    Ok(Payload::Float(f))
                );
            }
        }
    }

    #[test]
    fn field_order_comes_first_at_every_level() {
        let inner = Payload::map([("b", Payload::Int(1)), ("id", Payload::Int(2))]);
        let p = Payload::map([
            ("z", Payload::Int(1)),
            ("id", Payload::Int(2)),
            ("a", inner),
        ]);
        let out = to_text(&p, &["id".to_owned()]).expect("encodes");
        assert_eq!(out, "id: 2\na:\n  id: 2\n  b: 1\nz: 1\n");
    }

    #[test]
    fn sequences_nest_and_an_empty_table_is_an_empty_mapping() {
        let items = Payload::array([Payload::Int(1), Payload::from("two")]);
        let p = Payload::map([("items", items.clone()), ("empty", Payload::array([]))]);
        let out = text(&p);
        assert_eq!(out, "empty: {}\nitems:\n  - 1\n  - two\n");
        assert_eq!(
            decode_yaml(&out),
            Ok(Payload::map([
                ("empty", Payload::Map(PayloadMap::new().into())),
                ("items", items)
            ]))
        );
    }

    fn int_keyed(pairs: &[(i64, Payload)]) -> Payload {
        let mut map = PayloadMap::new();
        for (key, value) in pairs {
            map.insert(MapKey::Int(*key), value.clone());
        }
        Payload::Map(map.into())
    }

    #[test]
    fn a_table_with_an_array_part_is_a_sequence_with_its_holes_as_null() {
        // {1, nil, 3}
        let holes = int_keyed(&[(1, Payload::Int(1)), (3, Payload::Int(3))]);
        assert_eq!(text(&holes), "- 1\n- null\n- 3\n");
        // {1, 2, x = 3}: the original leaves out the keys outside the array part.
        let mut mixed = PayloadMap::new();
        mixed.insert(MapKey::Int(1), Payload::Int(1));
        mixed.insert(MapKey::Int(2), Payload::Int(2));
        mixed.insert("x", Payload::Int(3));
        assert_eq!(text(&Payload::Map(mixed.into())), "- 1\n- 2\n");
        // {[1] = 1, [1000000] = 2}: the far key is not in the array part.
        let sparse = int_keyed(&[(1, Payload::Int(1)), (1_000_000, Payload::Int(2))]);
        assert_eq!(text(&sparse), "- 1\n");
    }

    #[test]
    fn a_table_without_an_array_part_has_string_keys() {
        let p = int_keyed(&[(5, Payload::from("x")), (-1, Payload::from("y"))]);
        assert_eq!(text(&p), "\"-1\": y\n\"5\": x\n");
    }

    #[test]
    fn a_string_that_is_not_utf8_is_refused_with_its_path() {
        let p = Payload::map([("a", Payload::map([("b", Payload::string(b"\xff"))]))]);
        let e = to_text(&p, &[]).expect_err("not UTF-8");
        assert!(e.contains("a.b"), "{e}");
    }
}
