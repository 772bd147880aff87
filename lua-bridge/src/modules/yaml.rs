//! The `yaml` module (`modules: [yaml]`; R `runtime/lua/modules/yaml`): tables to YAML
//! text and back.
//!
//! | function | returns |
//! |---|---|
//! | `yaml.encode(t [, {field_order = {...}, sort_unordered = bool}])` | YAML text, `nil` |
//! | `yaml.decode(s)` | the value, `nil` |
//!
//! Encoding copies the table as a message would be copied ([`crate::value`]): a
//! sequence is a YAML sequence, any other table a mapping, `nil` values and functions
//! are left out, an error value is its message. Mapping keys come out sorted (as Go's
//! `yaml.v3` writes a map), except that the keys named in `field_order` come first, in
//! that order, at every level (`sort_unordered` is accepted; the rest are sorted
//! anyway). Strings that would read back as something else (`"123"`, `"true"`, `""`,
//! text with `: `) are quoted. The text has no `---` line and ends with a newline; an
//! empty table is `[]`.
//!
//! Decoding reads one document with the registry's own reader
//! ([`wippy_runtime::registry::decode_yaml`]: YAML 1.2 core schema, as `yaml.v3`;
//! nesting and alias expansion bounded).
//!
//! Failures are `nil, err`, not retryable, with the original's kinds: `INVALID` for an
//! argument of the wrong type ("table expected", "string expected"), an empty string
//! ("input cannot be empty"), a table that cannot be copied (a cycle, too deep, a table
//! mixing a sequence with other keys), or a string that is not UTF-8 (YAML text is
//! UTF-8, and the original would write it as `!!binary`, which this reader does not
//! give back; refusing keeps the value from changing on the way); `INTERNAL` for text
//! that does not parse, with its line. Nothing raises.

use std::ffi::c_int;

use saphyr::{Mapping, Scalar, Yaml, YamlEmitter};
use wippy_runtime::payload::{ErrorKind, MapKey, Payload};
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
        Payload::Nil => Yaml::Value(Scalar::Null),
        Payload::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
        Payload::Int(i) => Yaml::Value(Scalar::Integer(*i)),
        Payload::Float(f) => Yaml::Value(Scalar::FloatingPoint((*f).into())),
        Payload::Str(s) => Yaml::Value(Scalar::String(utf8(s.as_slice(), path)?.into())),
        Payload::Error(e) => Yaml::Value(Scalar::String(e.message().into())),
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
                let key_node = match key {
                    MapKey::Str(s) => Yaml::Value(Scalar::String(utf8(s.as_slice(), path)?.into())),
                    MapKey::Int(i) => Yaml::Value(Scalar::Integer(*i)),
                    MapKey::Float(f) => Yaml::Value(Scalar::FloatingPoint(f.get().into())),
                    MapKey::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
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
            "count: \"123\"\nflag: \"true\"\nname: test\nratio: 2.0\nvalue: 123\n"
        );
        assert_eq!(decode_yaml(&text(&p)), Ok(p));
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
    fn sequences_nest_and_empty_tables_are_flow() {
        let p = Payload::map([
            (
                "items",
                Payload::array([Payload::Int(1), Payload::from("two")]),
            ),
            ("empty", Payload::array([])),
        ]);
        let out = text(&p);
        assert_eq!(decode_yaml(&out), Ok(p), "{out}");
    }

    #[test]
    fn a_string_that_is_not_utf8_is_refused_with_its_path() {
        let p = Payload::map([("a", Payload::map([("b", Payload::string(b"\xff"))]))]);
        let e = to_text(&p, &[]).expect_err("not UTF-8");
        assert!(e.contains("a.b"), "{e}");
    }
}
