//! The `hash` module (`modules: [hash]`; R `runtime/lua/modules/hash`): digests and HMACs
//! of Lua strings (any bytes), with the original's results.
//!
//! | function | returns |
//! |---|---|
//! | `hash.md5(data [, raw])`, `sha1`, `sha256`, `sha512` | the digest as lowercase hex, or its bytes when `raw` is true; and `nil` |
//! | `hash.hmac_md5(data, secret [, raw])`, `hmac_sha1`, `hmac_sha256`, `hmac_sha512` | the HMAC, likewise |
//! | `hash.fnv32(data)`, `fnv64(data)` | FNV-1 (Go's `hash/fnv` `New32`, `New64`) as a number; and `nil` |
//!
//! `fnv32` is an integer. `fnv64` is a float, as in the original (whose numbers are
//! floats), so values past 2^53 are rounded the same way there and here.
//!
//! An argument that is not a string (numbers included) is `nil, err`, kind `INVALID`, not
//! retryable: "data must be a string", "secret must be a string". Nothing raises.

use std::ffi::c_int;

use hmac::digest::core_api::BlockSizeUser;
use hmac::{Mac, SimpleHmac};
use sha2::Digest;
use wippy_runtime::payload::ErrorKind;

use crate::modules::base64::string_arg;
use crate::modules::errors::fail;
use crate::vm::lua::{LResult, Lua, cfn};

/// Pushes the `hash` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.push_function_table(&[
        (c"md5", cfn(digest::<md5::Md5>)),
        (c"sha1", cfn(digest::<sha1::Sha1>)),
        (c"sha256", cfn(digest::<sha2::Sha256>)),
        (c"sha512", cfn(digest::<sha2::Sha512>)),
        (c"hmac_md5", cfn(hmac::<md5::Md5>)),
        (c"hmac_sha1", cfn(hmac::<sha1::Sha1>)),
        (c"hmac_sha256", cfn(hmac::<sha2::Sha256>)),
        (c"hmac_sha512", cfn(hmac::<sha2::Sha512>)),
        (c"fnv32", cfn(fnv32)),
        (c"fnv64", cfn(fnv64)),
    ])
}

/// Pushes `result` as hex text, or as its bytes when `raw`, then `nil`.
fn result(lua: Lua, result: &[u8], raw: bool) -> LResult<c_int> {
    if raw {
        lua.push_bytes(result);
    } else {
        lua.push_str(&hex::encode(result));
    }
    lua.push_nil();
    Ok(2)
}

fn digest<D: Digest>(lua: Lua) -> LResult<c_int> {
    let Some(data) = string_arg(lua, 1) else {
        return fail(lua, ErrorKind::Invalid, "data must be a string");
    };
    let raw = lua.truthy(2);
    result(lua, &D::digest(data), raw)
}

fn hmac<D: Digest + BlockSizeUser>(lua: Lua) -> LResult<c_int> {
    let Some(data) = string_arg(lua, 1) else {
        return fail(lua, ErrorKind::Invalid, "data must be a string");
    };
    let Some(secret) = string_arg(lua, 2) else {
        return fail(lua, ErrorKind::Invalid, "secret must be a string");
    };
    let raw = lua.truthy(3);
    // HMAC takes a key of any length (a long one is hashed first): never refused.
    let Ok(mut mac) = <SimpleHmac<D> as hmac::digest::KeyInit>::new_from_slice(secret) else {
        return fail(lua, ErrorKind::Internal, "HMAC refused the secret");
    };
    mac.update(data);
    result(lua, &mac.finalize().into_bytes(), raw)
}

/// FNV-1 (multiply, then xor each byte), as Go's `hash/fnv` `New32` and `New64`.
fn fnv1<T>(data: &[u8], offset: T, prime: T, mul: impl Fn(T, T) -> T, xor: impl Fn(T, u8) -> T) -> T
where
    T: Copy,
{
    data.iter()
        .fold(offset, |h, &byte| xor(mul(h, prime), byte))
}

fn fnv32(lua: Lua) -> LResult<c_int> {
    let Some(data) = string_arg(lua, 1) else {
        return fail(lua, ErrorKind::Invalid, "data must be a string");
    };
    let h = fnv1(
        data,
        0x811c_9dc5_u32,
        0x0100_0193,
        u32::wrapping_mul,
        |h, b| h ^ u32::from(b),
    );
    lua.push_int(i64::from(h));
    lua.push_nil();
    Ok(2)
}

fn fnv64(lua: Lua) -> LResult<c_int> {
    let Some(data) = string_arg(lua, 1) else {
        return fail(lua, ErrorKind::Invalid, "data must be a string");
    };
    let h = fnv1(
        data,
        0xcbf2_9ce4_8422_2325_u64,
        0x0000_0100_0000_01b3,
        u64::wrapping_mul,
        |h, b| h ^ u64::from(b),
    );
    // As the original: a float (its numbers are floats).
    #[allow(clippy::cast_precision_loss)]
    lua.push_number(h as f64);
    lua.push_nil();
    Ok(2)
}

#[cfg(test)]
mod tests {
    use super::fnv1;

    fn fnv32(data: &[u8]) -> u32 {
        fnv1(data, 0x811c_9dc5, 0x0100_0193, u32::wrapping_mul, |h, b| {
            h ^ u32::from(b)
        })
    }

    #[test]
    fn fnv1_matches_the_reference_values() {
        // FNV-1 test vectors (Landon Curt Noll's fnv test suite; Go's hash/fnv tests).
        assert_eq!(fnv32(b""), 0x811c_9dc5);
        assert_eq!(fnv32(b"a"), 0x050c_5d7e);
        assert_eq!(fnv32(b"ab"), 0x7077_2d38);
        assert_eq!(fnv32(b"abc"), 0x439c_2f4b);
        let fnv64 = |data: &[u8]| {
            fnv1(
                data,
                0xcbf2_9ce4_8422_2325_u64,
                0x0000_0100_0000_01b3,
                u64::wrapping_mul,
                |h, b| h ^ u64::from(b),
            )
        };
        assert_eq!(fnv64(b"a"), 0xaf63_bd4c_8601_b7be);
        assert_eq!(fnv64(b"abc"), 0xd8dc_ca18_6baf_adcb);
    }
}
