//! Type names called as functions: `string(x)`, `integer(x)`, `number(x)`, `boolean(x)`,
//! `any(x)`, `unknown(x)`, `never(x)` (the Wippy dialect, reference §0).
//!
//! In the original VM such a call checks its one argument against the type and gives it
//! back unchanged, or raises `expected <type>, got <type of the value>`; nothing is
//! converted (`string(5)` raises, `integer(3.7)` raises, `integer(3.0)` gives `3.0`).
//! Its compiler turns calls of those names into type checks. Here they are values at run
//! time instead: `integer`, `number`, `boolean`, `any`, `unknown` and `never` are lazy
//! globals holding these functions (`setup.rs`), and `string` — the library — is callable
//! through its view's `__call` (`vm/string_view.rs`). So a `string` table the script
//! changed, which stops being a view, is no longer callable, and the names are globals a
//! script can see (in the original they exist only as call targets).
//!
//! Errors, as the original's: no argument, `type T expects at least 1 argument`; more than
//! one, `type T validation expects 1 value, got N`. A number is `number` in the message
//! and an error value `userdata`.

use std::ffi::c_int;

use crate::vm::lua::{LResult, LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING, Lua, Raise};

/// 2^63: the first float past an integer's range.
#[allow(clippy::cast_precision_loss)]
pub(crate) const TWO_POW_63: f64 = (1u64 << 63) as f64;

/// The type a cast checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    String,
    Integer,
    Number,
    Boolean,
    Any,
    Unknown,
    Never,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Any => "any",
            Type::Unknown => "unknown",
            Type::Never => "never",
        }
    }

    /// Whether the value at `idx` has this type.
    fn holds(self, lua: Lua, idx: c_int) -> bool {
        match self {
            Type::String => lua.kind(idx) == LUA_TSTRING,
            Type::Number => lua.kind(idx) == LUA_TNUMBER,
            // A whole float counts when an integer can hold it (`math.tointeger` gives
            // it): 2^63 cannot.
            Type::Integer => {
                lua.int(idx).is_some()
                    || lua
                        .number(idx)
                        .is_some_and(|n| n.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&n))
            }
            Type::Boolean => lua.kind(idx) == LUA_TBOOLEAN,
            Type::Any | Type::Unknown => true,
            Type::Never => false,
        }
    }
}

/// Checks the value at `first` (the only value from there to the top) against `ty` and
/// returns it.
fn check(lua: Lua, ty: Type, first: c_int) -> LResult<c_int> {
    let values = lua.top() - first + 1;
    if values < 1 {
        return Err(Raise::from(format!(
            "type {} expects at least 1 argument",
            ty.name()
        )));
    }
    if values > 1 {
        return Err(Raise::from(format!(
            "type {} validation expects 1 value, got {values}",
            ty.name()
        )));
    }
    if !ty.holds(lua, first) {
        return Err(Raise::from(format!(
            "expected {}, got {}",
            ty.name(),
            lua.type_name(first)
        )));
    }
    Ok(1)
}

/// `__call` of the `string` view: `string(x)` (argument 1 is the view itself).
pub(crate) fn string_call(lua: Lua) -> LResult<c_int> {
    check(lua, Type::String, 2)
}

/// `integer(x)`.
pub(crate) fn integer(lua: Lua) -> LResult<c_int> {
    check(lua, Type::Integer, 1)
}

/// `number(x)`.
pub(crate) fn number(lua: Lua) -> LResult<c_int> {
    check(lua, Type::Number, 1)
}

/// `boolean(x)`.
pub(crate) fn boolean(lua: Lua) -> LResult<c_int> {
    check(lua, Type::Boolean, 1)
}

/// `any(x)`.
pub(crate) fn any(lua: Lua) -> LResult<c_int> {
    check(lua, Type::Any, 1)
}

/// `unknown(x)`.
pub(crate) fn unknown(lua: Lua) -> LResult<c_int> {
    check(lua, Type::Unknown, 1)
}

/// `never(x)`.
pub(crate) fn never(lua: Lua) -> LResult<c_int> {
    check(lua, Type::Never, 1)
}
