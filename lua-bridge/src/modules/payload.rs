//! The `payload` global (reference §1.8; D `en/lua/data/payload.md`): a value wrapped with a
//! format, which a process can hand on without looking inside and transcode on demand.
//!
//! ```lua
//! local p = payload.new({key = "value"})
//! p:get_format()                          --> "lua/any"
//! local data, err = p:data()              -- the value (a fresh copy)
//! local j, err = p:transcode(payload.format.JSON)
//! j:get_format(), j:data()                --> "json/plain", '{"key":"value"}' decoded
//! tostring(p)                             --> "payload{format=lua/any}"
//! ```
//!
//! A [`LuaPayload`] owns its [`Payload`] (immutable, shared by `Arc`s, so handing a payload
//! userdata around or sending it copies pointers, not data); the payload userdata owns its
//! `LuaPayload` (dropped by `__gc`). Three formats can be held:
//!
//! | format | constant | held as |
//! |---|---|---|
//! | `lua/any` | `payload.format.LUA` | the value |
//! | `json/plain` | `payload.format.JSON` | the JSON text ([`Payload::Str`]) |
//! | `text/plain` | `payload.format.STRING` | the text ([`Payload::Str`]) |
//! | `golang/error` | `payload.format.ERROR` | an error value (`payload.new(err)`, as the original) |
//!
//! The other constants have the original's strings (`BYTES = "application/octet-stream"`,
//! `MSGPACK = "application/msgpack"`, `YAML = "yaml/plain"`, `GOLANG = "golang/any"`)
//! so code can name them, but transcoding to them gives `nil, err` with kind `INVALID`.
//!
//! Transcoding (`p:transcode(fmt)`), from the held format to `fmt`:
//! - to the same format: a payload equal to `p`;
//! - `lua/any` to `json/plain`: `json.encode` of the value; to `text/plain`: a string value
//!   as it is, anything else as its JSON text;
//! - `json/plain` to `lua/any`: `json.decode` of the text; to `text/plain`: the text;
//! - `text/plain` to `lua/any`: the string; to `json/plain`: the text as a JSON string;
//! - `golang/error` to `lua/any`: the error value; to `json/plain`: its JSON object; to
//!   `text/plain`: its text. Nothing else becomes `golang/error` (kind `INVALID`).
//!
//! A failure to encode or decode is `nil, err` with kind `INTERNAL` (as the original).
//! `p:data()` and `p:unmarshal()` give the value: transcoded to `lua/any` when needed.
//!
//! When a payload userdata is copied to another process (`crate::value::to_payload`), the
//! receiver gets its value in `lua/any`, as the original transcodes payloads to Lua on
//! delivery: JSON text arrives decoded (a table for an object), `text/plain` as its
//! string, an error as the error.

use std::ffi::c_int;

use wippy_runtime::payload::{ErrorKind, ErrorValue, Payload, Text};

use crate::modules::errors::fail;
use crate::modules::json;
use crate::value::{push_payload, to_payload};
use crate::vm::lua::{CFn, LResult, Lua, Raise, UserType, cfn, method_index};
use crate::vm::meta_slots::MetaSlot;

/// `payload.format.JSON`.
pub const FORMAT_JSON: &str = "json/plain";
/// `payload.format.LUA`.
pub const FORMAT_LUA: &str = "lua/any";
/// `payload.format.STRING`.
pub const FORMAT_STRING: &str = "text/plain";
/// `payload.format.BYTES` (named only; cannot be transcoded to).
pub const FORMAT_BYTES: &str = "application/octet-stream";
/// `payload.format.MSGPACK` (named only; cannot be transcoded to).
pub const FORMAT_MSGPACK: &str = "application/msgpack";
/// `payload.format.YAML` (named only; cannot be transcoded to).
pub const FORMAT_YAML: &str = "yaml/plain";
/// `payload.format.GOLANG` (named only; cannot be transcoded to).
pub const FORMAT_GOLANG: &str = "golang/any";
/// `payload.format.ERROR` (named only; cannot be transcoded to).
pub const FORMAT_ERROR: &str = "golang/error";

/// The formats a [`LuaPayload`] can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `lua/any`: a value.
    Lua,
    /// `json/plain`: JSON text.
    Json,
    /// `text/plain`: text.
    String,
    /// `golang/error`: an error value ([`Payload::Error`]).
    Error,
}

impl Format {
    /// The format's string, e.g. `"json/plain"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Lua => FORMAT_LUA,
            Format::Json => FORMAT_JSON,
            Format::String => FORMAT_STRING,
            Format::Error => FORMAT_ERROR,
        }
    }

    /// The format named by `s`, if it is one a payload can hold.
    pub fn from_name(s: &[u8]) -> Option<Format> {
        match s {
            b"lua/any" => Some(Format::Lua),
            b"json/plain" => Some(Format::Json),
            b"text/plain" => Some(Format::String),
            b"golang/error" => Some(Format::Error),
            _ => None,
        }
    }
}

/// The payload userdata: a [`Payload`] and the [`Format`] it is in. For [`Format::Json`] and
/// [`Format::String`] the payload is the text, a [`Payload::Str`].
#[derive(Clone, Debug, PartialEq)]
pub struct LuaPayload {
    format: Format,
    data: Payload,
}

impl LuaPayload {
    /// A payload holding a value: `lua/any`, or `golang/error` for an error value (as the
    /// original).
    pub fn new(data: Payload) -> LuaPayload {
        let format = if matches!(data, Payload::Error(_)) {
            Format::Error
        } else {
            Format::Lua
        };
        LuaPayload { format, data }
    }

    /// A `json/plain` payload holding JSON text (not checked until it is decoded).
    pub fn json(text: impl Into<Text>) -> LuaPayload {
        LuaPayload {
            format: Format::Json,
            data: Payload::Str(text.into()),
        }
    }

    /// A `text/plain` payload holding text.
    pub fn text(text: impl Into<Text>) -> LuaPayload {
        LuaPayload {
            format: Format::String,
            data: Payload::Str(text.into()),
        }
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// What the payload holds: the value, or the text for JSON and string payloads.
    pub fn payload(&self) -> &Payload {
        &self.data
    }

    /// The value: the payload itself for `lua/any`, the decoded JSON, or the text as a string.
    ///
    /// Errors (kind `INTERNAL`): JSON text that does not parse.
    pub fn value(&self) -> Result<Payload, ErrorValue> {
        match self.format {
            Format::Lua | Format::String | Format::Error => Ok(self.data.clone()),
            Format::Json => json::decode(self.data.as_bytes().unwrap_or_default())
                .map_err(|e| internal(format!("payload: cannot decode JSON: {}", e.message()))),
        }
    }

    /// The payload in another format (see the [module docs](self)).
    ///
    /// Errors (kind `INTERNAL`): the value cannot be encoded as JSON, or the text cannot be
    /// decoded.
    pub fn transcode(&self, to: Format) -> Result<LuaPayload, ErrorValue> {
        let encode = |p: &Payload| {
            json::encode(p).map_err(|e| internal(format!("payload: {}", e.message())))
        };
        Ok(match (self.format, to) {
            (Format::Lua, Format::Lua)
            | (Format::Json, Format::Json)
            | (Format::String, Format::String)
            | (Format::Error, Format::Error) => self.clone(),
            (Format::Error, Format::Lua) => LuaPayload {
                format: Format::Lua,
                data: self.data.clone(),
            },
            (Format::Error, Format::Json) => LuaPayload::json(encode(&self.data)?),
            (Format::Error, Format::String) => match &self.data {
                Payload::Error(e) => LuaPayload::text(e.text().into_owned()),
                _ => LuaPayload::text(Text::default()),
            },
            (_, Format::Error) => {
                return Err(ErrorValue::new(
                    ErrorKind::Invalid,
                    format!(
                        "payload: only an error is a golang/error payload, not {}",
                        self.format.as_str()
                    ),
                ));
            }
            (Format::Lua, Format::Json) => LuaPayload::json(encode(&self.data)?),
            (Format::Lua, Format::String) => match &self.data {
                Payload::Str(s) => LuaPayload::text(s.clone()),
                other => LuaPayload::text(encode(other)?),
            },
            (Format::Json, Format::Lua) => LuaPayload::new(self.value()?),
            (Format::Json, Format::String) => LuaPayload::text(self.text_bytes()),
            (Format::String, Format::Lua) => LuaPayload::new(self.data.clone()),
            (Format::String, Format::Json) => LuaPayload::json(encode(&self.data)?),
        })
    }

    fn text_bytes(&self) -> Text {
        match &self.data {
            Payload::Str(s) => s.clone(),
            _ => Text::default(),
        }
    }
}

fn internal(message: String) -> ErrorValue {
    ErrorValue::new(ErrorKind::Internal, message)
}

method_index!(fn payload_index {
    b"data" => cfn(data),
    b"unmarshal" => cfn(data),
    b"get_format" => cfn(get_format),
    b"transcode" => cfn(transcode),
});

/// The payload userdata type: the block holds a [`LuaPayload`].
static PAYLOAD: UserType<LuaPayload> = UserType::new(
    c"wippy.payload",
    Some(payload_index as CFn),
    &[("__tostring", cfn(tostring))],
)
.in_slot(MetaSlot::Payload);

/// Pushes a `lua/any` payload userdata holding `p` (what `msg:payload()` gives: the
/// original tags every received payload `lua/any`, an error's too). The VM's userdata
/// owns it from then on.
///
/// Needs room for 4 values (the metatable is built on first use). A memory error unwinds
/// to the enclosing protected call.
pub(crate) fn push_payload_userdata(lua: Lua, p: Payload) {
    push_lua_payload(
        lua,
        LuaPayload {
            format: Format::Lua,
            data: p,
        },
    );
}

/// Pushes a payload userdata holding `p`, in its format (as [`push_payload_userdata`]).
pub(crate) fn push_lua_payload(lua: Lua, p: LuaPayload) {
    lua.push_userdata(p, &PAYLOAD);
}

/// The value of the payload userdata at `idx` as it leaves the process (a message, a
/// spawn argument, an exit result): in `lua/any`, as the original transcodes a payload to
/// Lua on delivery, so held JSON text arrives decoded ([`LuaPayload::value`]); text that
/// does not decode arrives as it is. `None` for anything else. Never raises, allocates
/// nothing in the VM.
pub(crate) fn payload_of(lua: Lua, idx: c_int) -> Option<Payload> {
    lua.userdata(idx, &PAYLOAD)
        .map(|v| &*v)
        .map(|p| p.value().unwrap_or_else(|_| p.payload().clone()))
}

/// The payload of a method's receiver (argument 1).
fn this<'a>(lua: Lua, method: &str) -> LResult<&'a LuaPayload> {
    match lua.userdata(1, &PAYLOAD) {
        Some(p) => Ok(p),
        None => Err(Raise::from(format!(
            "bad argument #1 to '{method}' (payload expected, got {}); call it as p:{method}()",
            lua.type_name(1)
        ))),
    }
}

/// `p:data()` and `p:unmarshal()`: `v` (one value, as the original) or `nil, err`.
fn data(lua: Lua) -> LResult<c_int> {
    let value = this(lua, "data")?.value();
    match value {
        Ok(v) => {
            push_payload(lua, &v)?;
            Ok(1)
        }
        Err(e) => fail(lua, e.kind().clone(), e.message()),
    }
}

/// `p:get_format()`.
fn get_format(lua: Lua) -> LResult<c_int> {
    let format = this(lua, "get_format")?.format();
    lua.push_str(format.as_str());
    Ok(1)
}

/// `p:transcode(format)`: `payload, nil` or `nil, err`.
fn transcode(lua: Lua) -> LResult<c_int> {
    let p = this(lua, "transcode")?;
    // As the original: a format that is no string raises; every failure to transcode is
    // `nil, err` of kind INTERNAL.
    let Some(name) = lua.bytes(2) else {
        return Err(Raise::from(format!(
            "bad argument #2 to 'transcode' (string expected, got {})",
            lua.type_name(2)
        )));
    };
    let Some(to) = Format::from_name(name) else {
        return fail(
            lua,
            ErrorKind::Internal,
            format!(
                "transcode failed: transcoding to {} is not supported",
                String::from_utf8_lossy(name)
            ),
        );
    };
    match p.transcode(to) {
        Ok(q) => {
            lua.ensure(5)?;
            push_lua_payload(lua, q);
            lua.push_nil();
            Ok(2)
        }
        Err(e) => fail(
            lua,
            ErrorKind::Internal,
            format!("transcode failed: {}", e.message()),
        ),
    }
}

/// `tostring(p)`: `payload{format=...}`.
fn tostring(lua: Lua) -> LResult<c_int> {
    let format = this(lua, "__tostring")?.format();
    lua.push_str(&format!("payload{{format={}}}", format.as_str()));
    Ok(1)
}

/// `payload.new(v)`: a `lua/any` payload holding a copy of `v` (a payload gives a payload
/// equal to it), or `nil, err` when `v` cannot be copied (a cycle, nesting deeper than
/// [`crate::value::MAX_DEPTH`]; kind `INVALID`).
fn new(lua: Lua) -> LResult<c_int> {
    lua.ensure(6)?;
    // One value, as the original's `newPayload`: a second (nil) one would go along as a
    // second payload in `process.send(pid, topic, payload.new(v))`.
    if let Some(p) = lua.userdata(1, &PAYLOAD) {
        let copy = p.clone();
        push_lua_payload(lua, copy);
        return Ok(1);
    }
    match to_payload(lua, 1) {
        // An error makes a `golang/error` payload, as the original's `newPayload`.
        Ok(p) => {
            push_lua_payload(lua, LuaPayload::new(p));
            Ok(1)
        }
        Err(e) => fail(lua, e.kind(), format!("payload.new: {e}")),
    }
}

/// Pushes the `payload` table: `new` and `format`.
///
/// Lua errors: none from the functions; a value that cannot be copied gives `nil, err`.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(4)?;
    lua.new_table(0, 2);
    lua.push_fn(cfn(new));
    lua.set_field(-2, c"new");
    lua.new_table(0, 8);
    for (name, value) in [
        ("JSON", FORMAT_JSON),
        ("LUA", FORMAT_LUA),
        ("STRING", FORMAT_STRING),
        ("BYTES", FORMAT_BYTES),
        ("MSGPACK", FORMAT_MSGPACK),
        ("YAML", FORMAT_YAML),
        ("GOLANG", FORMAT_GOLANG),
        ("ERROR", FORMAT_ERROR),
    ] {
        lua.push_str(value);
        lua.set_field_str(-2, name);
    }
    lua.set_field(-2, c"format");
    Ok(())
}
