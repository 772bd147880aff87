//! The `base64` module (`modules: [base64]`; R `runtime/lua/modules/base64`): standard
//! Base64 (RFC 4648, with padding) of Lua strings, which may hold any bytes.
//!
//! | function | returns |
//! |---|---|
//! | `base64.encode(s)` | the encoding of `s` |
//! | `base64.decode(s)` | the bytes `s` encodes |
//!
//! As the original: an argument that is not a string is `nil, err` ("string expected"),
//! and text that is not padded standard Base64 is `nil, err` whose message starts
//! "decode failed: illegal base64 data at input byte N" (Go's wording, which the
//! original's tests look for); both kind `INVALID`, not retryable. Nothing raises.

use std::ffi::c_int;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use wippy_runtime::payload::ErrorKind;

use crate::modules::errors::fail;
use crate::vm::lua::{LResult, LUA_TSTRING, Lua, cfn};

/// Pushes the `base64` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.push_function_table(&[(c"encode", cfn(encode)), (c"decode", cfn(decode))])
}

/// The string argument at `idx`, or `None` for any other type (numbers included).
pub(crate) fn string_arg<'a>(lua: Lua, idx: c_int) -> Option<&'a [u8]> {
    if lua.kind(idx) == LUA_TSTRING {
        lua.bytes(idx)
    } else {
        None
    }
}

fn encode(lua: Lua) -> LResult<c_int> {
    let Some(bytes) = string_arg(lua, 1) else {
        return fail(lua, ErrorKind::Invalid, "string expected");
    };
    let text = STANDARD.encode(bytes);
    lua.try_push_bytes(text.as_bytes())?;
    Ok(1)
}

fn decode(lua: Lua) -> LResult<c_int> {
    let Some(text) = string_arg(lua, 1) else {
        return fail(lua, ErrorKind::Invalid, "string expected");
    };
    match STANDARD.decode(text) {
        Ok(bytes) => {
            lua.try_push_bytes(&bytes)?;
            Ok(1)
        }
        Err(e) => fail(
            lua,
            ErrorKind::Invalid,
            format!(
                "decode failed: illegal base64 data at input byte {}",
                illegal_at(&e, text)
            ),
        ),
    }
}

/// The offset of the first bad byte, as Go's decoder names it: the first byte outside
/// the alphabet, else what the decoder found: the bad byte itself; the end
/// for a text of a wrong length (a truncated final quantum); the first `=` for padding
/// in the wrong place.
fn illegal_at(e: &base64::DecodeError, text: &[u8]) -> usize {
    // Go names the first byte outside the alphabet before it looks at the length.
    let outside = |b: &u8| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if let Some(at) = text.iter().position(outside) {
        return at;
    }
    match *e {
        base64::DecodeError::InvalidByte(at, _) | base64::DecodeError::InvalidLastSymbol(at, _) => {
            at
        }
        base64::DecodeError::InvalidLength(len) => len,
        base64::DecodeError::InvalidPadding => {
            text.iter().position(|&b| b == b'=').unwrap_or(text.len())
        }
    }
}
