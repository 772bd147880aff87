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
//! `LuaPayload` (dropped by `__gc`). Every format of `payload.format` can be held:
//!
//! | format | constant | held as |
//! |---|---|---|
//! | `lua/any` | `payload.format.LUA` | the value |
//! | `golang/any` | `payload.format.GOLANG` | the value (the runtime's own value, as a Go value is the original's) |
//! | `golang/error` | `payload.format.ERROR` | an error value (`payload.new(err)`, as the original) |
//! | `json/plain` | `payload.format.JSON` | the JSON text ([`Payload::Str`]) |
//! | `yaml/plain` | `payload.format.YAML` | the YAML text |
//! | `application/msgpack` | `payload.format.MSGPACK` | the MessagePack bytes |
//! | `text/plain` | `payload.format.STRING` | the text |
//! | `application/octet-stream` | `payload.format.BYTES` | the bytes |
//!
//! Transcoding (`p:transcode(fmt)`), from the held format to `fmt`:
//! - to the same format: a payload equal to `p`;
//! - from a held text (JSON, YAML, MessagePack, string, bytes) to `text/plain` or
//!   `application/octet-stream`: the same bytes;
//! - otherwise through the value (`p:data()`, which decodes JSON, YAML and MessagePack):
//!   to `lua/any` or `golang/any` the value itself; to `json/plain` its `json.encode`
//!   text; to `yaml/plain` its `yaml.encode` text; to `application/msgpack` its
//!   MessagePack bytes; to `text/plain` or `application/octet-stream` its plain text, as
//!   the original's string and bytes transcoders write it (a string as it is, `nil` as
//!   nothing, numbers and booleans as Go's `%v`, an error as its message; a table as its
//!   JSON text) ([`super::payload_formats`]);
//! - only an error value becomes `golang/error` (anything else: kind `INVALID`).
//!
//! A failure to encode or decode is `nil, err` with kind `INTERNAL` (as the original).
//! `p:data()` and `p:unmarshal()` give the value: transcoded to `lua/any` when needed.
//!
//! When a payload userdata is copied to another process (`crate::value::to_payload`), the
//! receiver gets its value in `lua/any`, as the original transcodes payloads to Lua on
//! delivery: JSON text arrives decoded (a table for an object), `text/plain` as its
//! string, an error as the error.

use std::ffi::c_int;
use std::sync::Arc;

use wippy_runtime::payload::{ErrorKind, ErrorValue, Map, MapKey, Payload, Text};

use crate::modules::errors::fail;
use crate::modules::{json, payload_formats, yaml};
use crate::value::{
    SHARE_STRINGS_FROM, push_payload, text_exceeds, to_payload, too_large_for_memory,
};
use crate::vm::alloc::{self, Charged};
use crate::vm::lua::{CFn, LResult, Lua, Raise, UserType, cfn, method_index};
use crate::vm::meta_slots::MetaSlot;
use wippy_runtime::registry::decode_yaml;

/// `payload.format.JSON`.
pub const FORMAT_JSON: &str = "json/plain";
/// `payload.format.LUA`.
pub const FORMAT_LUA: &str = "lua/any";
/// `payload.format.STRING`.
pub const FORMAT_STRING: &str = "text/plain";
/// `payload.format.BYTES`.
pub const FORMAT_BYTES: &str = "application/octet-stream";
/// `payload.format.MSGPACK`.
pub const FORMAT_MSGPACK: &str = "application/msgpack";
/// `payload.format.YAML`.
pub const FORMAT_YAML: &str = "yaml/plain";
/// `payload.format.GOLANG`.
pub const FORMAT_GOLANG: &str = "golang/any";
/// `payload.format.ERROR`.
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
    /// `golang/any`: a value.
    Golang,
    /// `yaml/plain`: YAML text.
    Yaml,
    /// `application/msgpack`: MessagePack bytes.
    MsgPack,
    /// `application/octet-stream`: bytes.
    Bytes,
}

impl Format {
    /// The format's string, e.g. `"json/plain"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Lua => FORMAT_LUA,
            Format::Json => FORMAT_JSON,
            Format::String => FORMAT_STRING,
            Format::Error => FORMAT_ERROR,
            Format::Golang => FORMAT_GOLANG,
            Format::Yaml => FORMAT_YAML,
            Format::MsgPack => FORMAT_MSGPACK,
            Format::Bytes => FORMAT_BYTES,
        }
    }

    /// The format named by `s`, if it is one a payload can hold.
    pub fn from_name(s: &[u8]) -> Option<Format> {
        match s {
            b"lua/any" => Some(Format::Lua),
            b"json/plain" => Some(Format::Json),
            b"text/plain" => Some(Format::String),
            b"golang/error" => Some(Format::Error),
            b"golang/any" => Some(Format::Golang),
            b"yaml/plain" => Some(Format::Yaml),
            b"application/msgpack" => Some(Format::MsgPack),
            b"application/octet-stream" => Some(Format::Bytes),
            _ => None,
        }
    }
}

/// The payload userdata: a [`Payload`] and the [`Format`] it is in. For the formats that
/// hold text or bytes (JSON, YAML, MessagePack, string, bytes) the payload is a
/// [`Payload::Str`].
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

    /// The value: the payload itself for `lua/any`, `golang/any` and `golang/error`, the
    /// decoded JSON, YAML or MessagePack, or the text or bytes as a string.
    ///
    /// Errors (kind `INTERNAL`): held text or bytes that do not decode.
    pub fn value(&self) -> Result<Payload, ErrorValue> {
        let held = self.data.as_bytes().unwrap_or_default();
        match self.format {
            Format::Lua | Format::Golang | Format::Error | Format::String | Format::Bytes => {
                Ok(self.data.clone())
            }
            Format::Json => json::decode(held).map_err(undecodable_json),
            Format::MsgPack => {
                payload_formats::from_msgpack(held).map_err(|e| internal(format!("payload: {e}")))
            }
            Format::Yaml => std::str::from_utf8(held)
                .map_err(|_| "the text is not UTF-8".to_owned())
                .and_then(|text| decode_yaml(text).map_err(|e| e.to_string()))
                .map_err(|e| internal(format!("payload: cannot decode YAML: {e}"))),
        }
    }

    /// Whether the format holds text or bytes (a [`Payload::Str`]) rather than a value.
    fn holds_bytes(&self) -> bool {
        matches!(
            self.format,
            Format::Json | Format::Yaml | Format::MsgPack | Format::String | Format::Bytes
        )
    }

    /// The payload in another format (see the [module docs](self)).
    ///
    /// Errors: kind `INVALID` for anything but an error to `golang/error`; kind
    /// `INTERNAL` when the value cannot be encoded, or the held text cannot be decoded.
    pub fn transcode(&self, to: Format) -> Result<LuaPayload, ErrorValue> {
        if self.format == to {
            return Ok(self.clone());
        }
        let holding = |format: Format, data: Payload| LuaPayload { format, data };
        if to == Format::Error {
            return match &self.data {
                Payload::Error(_) => Ok(holding(Format::Error, self.data.clone())),
                _ => Err(ErrorValue::new(
                    ErrorKind::Invalid,
                    format!(
                        "payload: only an error is a golang/error payload, not {}",
                        self.format.as_str()
                    ),
                )),
            };
        }
        if self.holds_bytes() && matches!(to, Format::String | Format::Bytes) {
            return Ok(holding(to, Payload::Str(self.text_bytes())));
        }
        let value = self.value()?;
        let encoded = |result: Result<Vec<u8>, String>| {
            result
                .map(|bytes| Payload::Str(Text::from(bytes)))
                .map_err(|e| internal(format!("payload: {e}")))
        };
        Ok(match to {
            Format::Lua | Format::Golang | Format::Error => holding(to, value),
            Format::Json => holding(
                to,
                encoded(json::encode(&value).map_err(|e| e.message().to_owned()))?,
            ),
            Format::Yaml => holding(
                to,
                encoded(yaml::to_text(&value, &[]).map(String::into_bytes))?,
            ),
            Format::MsgPack => holding(to, encoded(payload_formats::to_msgpack(&value))?),
            Format::String | Format::Bytes => holding(
                to,
                Payload::Str(
                    payload_formats::plain_text(&value)
                        .map_err(|e| internal(format!("payload: {e}")))?,
                ),
            ),
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

/// The payload userdata type: the block holds a [`LuaPayload`] and the charge of its
/// Rust bytes to the VM's memory limit ([`payload_bytes`]; `vm/alloc.rs`).
static PAYLOAD: UserType<Charged<LuaPayload>> = UserType::new(
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
    let bytes = payload_bytes(&p);
    push_payload_userdata_of(lua, p, bytes);
}

/// [`push_payload_userdata`] for a caller that knows `bytes`, the payload's
/// [`payload_bytes`].
pub(crate) fn push_payload_userdata_of(lua: Lua, p: Payload, bytes: usize) {
    let charge = alloc::charge_received(lua, bytes);
    lua.push_userdata(
        Charged::new(
            LuaPayload {
                format: Format::Lua,
                data: p,
            },
            charge,
        ),
        &PAYLOAD,
    );
}

/// Pushes a payload userdata holding `p`, in its format (as [`push_payload_userdata`]).
///
/// These are the payloads that arrive from elsewhere (a message's, a function's result
/// or input): their bytes are charged to the VM's memory limit even past it
/// ([`alloc::charge_received`]; the script's next allocation then fails), and released
/// when the userdata is collected. A payload the script makes goes through
/// [`push_new_payload`], which refuses what does not fit.
pub(crate) fn push_lua_payload(lua: Lua, p: LuaPayload) {
    let charge = alloc::charge_received(lua, payload_bytes(&p.data));
    lua.push_userdata(Charged::new(p, charge), &PAYLOAD);
}

/// Pushes a payload userdata holding `p`, a new payload of a size the script chose
/// (`payload.new`, `p:transcode`), its bytes charged to the VM's memory limit.
///
/// Errors: [`Raise::Memory`], Lua's memory error, when they do not fit even after a
/// full collection (`p` is dropped first).
fn push_new_payload(lua: Lua, p: LuaPayload) -> LResult<()> {
    let charge = alloc::charge(lua, payload_bytes(&p.data)).map_err(|_| Raise::Memory)?;
    lua.push_userdata(Charged::new(p, charge), &PAYLOAD);
    Ok(())
}

/// The bytes of the Rust allocations `p` holds besides its own `Payload` word: texts
/// (not the short ones kept inline), array and map blocks, errors, all the way down.
/// A block shared with other holders (`Arc`, `Bytes`) is counted for each: a process
/// keeps it alive as long as it holds it (as BEAM counts a shared binary in the
/// virtual heap of every process that refers to it). Inside one value, a block it
/// reaches more than once (a long text or a table the copy shares, `value.rs`) is
/// counted once: that is what the value keeps alive, and a value of 61 tables each
/// holding the next twice is not counted as 2^60 of them.
pub(crate) fn payload_bytes(p: &Payload) -> usize {
    Counted::default().payload(p)
}

/// The bytes of the Rust allocations a map's entries hold (as [`payload_bytes`]).
pub(crate) fn map_bytes(map: &Map) -> usize {
    Counted::default().entries(map)
}

/// The shared blocks [`payload_bytes`] counted already, by address and length; made at
/// the first shared block (plain messages have none).
#[derive(Default)]
struct Counted(Option<rustc_hash::FxHashSet<(usize, usize)>>);

impl Counted {
    /// `true` the first time the block at `at` of `len` bytes is met.
    fn first(&mut self, at: usize, len: usize) -> bool {
        self.0
            .get_or_insert_with(Default::default)
            .insert((at, len))
    }

    fn payload(&mut self, p: &Payload) -> usize {
        match p {
            Payload::Nil | Payload::Bool(_) | Payload::Int(_) | Payload::Float(_) => 0,
            Payload::Str(t) => self.text(t),
            Payload::Array(items) => {
                let size = std::mem::size_of_val::<[Payload]>(items);
                if Arc::strong_count(items) > 1 && !self.first(items.as_ptr() as usize, size) {
                    return 0;
                }
                items.iter().fold(alloc::ARC_HEADER + size, |sum, item| {
                    sum.saturating_add(self.payload(item))
                })
            }
            Payload::Map(map) => {
                if Arc::strong_count(map) > 1 && !self.first(Arc::as_ptr(map) as usize, 0) {
                    return 0;
                }
                (alloc::ARC_HEADER + std::mem::size_of::<Map>()).saturating_add(self.entries(map))
            }
            Payload::Error(e) => alloc::ARC_HEADER + crate::modules::errors::error_bytes(e),
        }
    }

    fn text(&mut self, t: &Text) -> usize {
        let bytes = t.as_slice();
        if t.is_inline()
            || (bytes.len() >= SHARE_STRINGS_FROM
                && !self.first(bytes.as_ptr() as usize, bytes.len()))
        {
            return 0;
        }
        bytes.len()
    }

    fn entries(&mut self, map: &Map) -> usize {
        map.iter().fold(
            map.len() * std::mem::size_of::<(MapKey, Payload)>(),
            |sum, (k, v)| {
                let key = match k {
                    MapKey::Str(t) => self.text(t),
                    _ => 0,
                };
                sum.saturating_add(key).saturating_add(self.payload(v))
            },
        )
    }
}

/// The value of the payload userdata at `idx` as it leaves the process (a message, a
/// spawn argument, an exit result): in `lua/any`, as the original transcodes a payload to
/// Lua on delivery, so held JSON text arrives decoded ([`LuaPayload::value`]); text that
/// does not decode arrives as it is. `None` for anything else. Never raises, allocates
/// nothing in the VM.
pub(crate) fn payload_of(lua: Lua, idx: c_int) -> Option<Payload> {
    lua.userdata(idx, &PAYLOAD)
        .map(|v| &v.value)
        .map(|p| p.value().unwrap_or_else(|_| p.payload().clone()))
}

/// The error of a JSON payload whose text does not decode.
fn undecodable_json(e: ErrorValue) -> ErrorValue {
    internal(format!("payload: cannot decode JSON: {}", e.message()))
}

/// The payload of a method's receiver (argument 1).
fn this<'a>(lua: Lua, method: &str) -> LResult<&'a LuaPayload> {
    match lua.userdata(1, &PAYLOAD) {
        Some(p) => Ok(&p.value),
        None => Err(Raise::from(format!(
            "bad argument #1 to '{method}' (payload expected, got {}); call it as p:{method}()",
            lua.type_name(1)
        ))),
    }
}

/// `p:data()` and `p:unmarshal()`: `v` (one value, as the original) or `nil, err`.
fn data(lua: Lua) -> LResult<c_int> {
    let this = this(lua, "data")?;
    let value = match this.format() {
        // Within the process's memory, as `json.decode`.
        Format::Json => {
            let text = this.payload().as_bytes().unwrap_or_default();
            json::decode_in_room(lua, text)?.map_err(undecodable_json)
        }
        _ => this.value(),
    };
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
    let Some(name) = lua.bytes_or_number(2) else {
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
    // A value holding one big string many times would encode to far more than the
    // process may hold: refused before it is built (see `value::text_exceeds`).
    let encodes = !matches!(to, Format::Lua | Format::Golang | Format::Error);
    let room = lua.memory_room();
    let limit = room.free.saturating_add(room.used);
    if encodes && !p.holds_bytes() && text_exceeds(&p.data, limit) {
        let error = too_large_for_memory(limit);
        return fail(
            lua,
            ErrorKind::Internal,
            format!("transcode failed: {}", error.message()),
        );
    }
    match p.transcode(to) {
        Ok(q) => {
            lua.ensure(5)?;
            push_new_payload(lua, q)?;
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
///
/// Lua errors: Lua's memory error when the payload's Rust bytes do not fit under the
/// process's memory limit (after a full collection).
fn new(lua: Lua) -> LResult<c_int> {
    lua.ensure(6)?;
    // One value, as the original's `newPayload`: a second (nil) one would go along as a
    // second payload in `process.send(pid, topic, payload.new(v))`.
    if let Some(p) = lua.userdata(1, &PAYLOAD) {
        let copy = p.value.clone();
        push_new_payload(lua, copy)?;
        return Ok(1);
    }
    match to_payload(lua, 1) {
        // An error makes a `golang/error` payload, as the original's `newPayload`.
        Ok(p) => {
            push_new_payload(lua, LuaPayload::new(p))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn holding(format: Format, bytes: &[u8]) -> LuaPayload {
        LuaPayload {
            format,
            data: Payload::string(bytes),
        }
    }

    #[test]
    fn held_bytes_that_do_not_decode_fail_as_internal_but_pass_as_bytes() {
        for (format, bytes, says) in [
            (Format::MsgPack, &b"\xd9\x05ab"[..], "MessagePack"),
            (Format::MsgPack, &b"\x92\x01"[..], "MessagePack"),
            (Format::Yaml, &b"a: [1"[..], "YAML"),
            (Format::Yaml, &b"\xff"[..], "not UTF-8"),
            (Format::Json, &b"{"[..], "JSON"),
        ] {
            let p = holding(format, bytes);
            let err = p.value().expect_err(says);
            assert_eq!(err.kind(), &ErrorKind::Internal);
            assert!(err.message().contains(says), "{}", err.message());
            let err = p.transcode(Format::Lua).unwrap_err();
            assert!(err.message().contains(says), "{}", err.message());
            // Bytes and text take the held bytes as they are.
            for to in [Format::Bytes, Format::String] {
                let q = p.transcode(to).unwrap();
                assert_eq!(q.payload(), &Payload::string(bytes));
                assert_eq!(q.format(), to);
            }
        }
    }

    #[test]
    fn only_errors_become_golang_error() {
        let err = LuaPayload::new(Payload::Int(1))
            .transcode(Format::Error)
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Invalid);
        let e = Payload::Error(std::sync::Arc::new(ErrorValue::new(
            ErrorKind::Internal,
            "x",
        )));
        let q = LuaPayload::new(e.clone())
            .transcode(Format::Golang)
            .unwrap()
            .transcode(Format::Error)
            .unwrap();
        assert_eq!((q.format(), q.payload()), (Format::Error, &e));
    }
}
