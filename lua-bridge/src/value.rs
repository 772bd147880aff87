//! Deep copy between one process's Lua VM and a [`Payload`].
//!
//! Processes are isolated VMs, so every message, spawn argument and exit result crosses a
//! process boundary as a [`Payload`]: the sender's VM owns its tables, the payload owns the
//! copy (immutable, `Send + Sync`, cheap to clone), and [`from_payload`] builds fresh tables
//! that the receiver's VM owns. Nothing is shared between the two VMs.
//!
//! # Lua to payload ([`to_payload`])
//!
//! | Lua | `Payload` |
//! |---|---|
//! | `nil`, boolean, integer, float | `Nil`, `Bool`, `Int`, `Float` (the integer/float subtype is kept) |
//! | string | `Str` (bytes, not necessarily UTF-8) |
//! | table with keys exactly `1..=n`, `n >= 1` | `Array` |
//! | empty table | empty `Array` (so `json.encode({})` is `[]`) |
//! | any other table | `Map`, keys as [`MapKey`] (integer, float, string, boolean) |
//! | error userdata ([`LuaError`]) | `Error` (the same [`ErrorValue`], shared) |
//! | payload userdata ([`LuaPayload`]) | the payload it holds |
//! | an mlua error value (caught by `pcall`) | `Error`, via [`errors::from_lua_error`] |
//! | function, thread, other userdata, light userdata | `Nil`, as in the original |
//!
//! - Tables are read raw: metatables are **not** copied and `__index`/`__pairs` are not
//!   consulted. (The original copies metatables; a payload has no place for one, and a
//!   metatable full of functions would arrive as nil anyway.)
//! - Entries whose key has no payload form (a table, function, userdata or thread used as a
//!   key) are dropped.
//! - A table that contains itself is a [`ValueError::Cycle`]; nesting deeper than
//!   [`MAX_DEPTH`] tables is [`ValueError::TooDeep`]. Neither overflows the stack.
//! - Sharing is not preserved: a table reachable twice arrives as two equal tables, as terms do
//!   in Erlang. Table identity is never promised across a copy. (To bound the work on
//!   pathological graphs, such as `t = {t, t}` repeated 60 times, each side starts reusing
//!   what it already copied once a copy has visited [`MEMO_AFTER`] tables.)
//!
//! [`to_payload_strict`] is the same walk for encoders (`json.encode`): values and keys with no
//! payload form are errors instead of being turned into nil or dropped.
//!
//! # Payload to Lua ([`from_payload`])
//!
//! The inverse: `Array` and `Map` become new tables (an array of length `n` gets keys `1..=n`;
//! a `Nil` item leaves a hole), `Error` becomes a [`LuaError`] userdata. Payloads nested deeper
//! than [`MAX_DEPTH`] are refused with an error rather than recursing without bound.
//!
//! # Cost
//!
//! One pass over the source, no intermediate tree: each table is walked once (one protected
//! call for the whole table, see `FAST_DEPTH`), its items go straight into the `Vec` or
//! [`Map`] that becomes the payload node, and the cycle check is a scan of the current path
//! (kept inline for the first 16 levels). Only copies of more than [`MEMO_AFTER`] tables pay
//! for a hash map. Strings are copied once, into [`Bytes`]; errors are shared, not copied.
//!
//! [`LuaError`]: crate::modules::errors::LuaError
//! [`LuaPayload`]: crate::modules::payload::LuaPayload
//! [`errors::from_lua_error`]: crate::modules::errors::from_lua_error

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use bytes::Bytes;
use mlua::{AnyUserData, Lua, Table, Value};
use smallvec::SmallVec;
use wippy_runtime::payload::{ErrorKind, ErrorValue, Map, MapKey, Payload};

use crate::modules::errors::{self, LuaError};
use crate::modules::payload::LuaPayload;

/// The deepest nesting of tables a copy accepts, in either direction (the original's limit
/// for `json.encode`, used for every copy). The outermost table is level 1.
pub const MAX_DEPTH: usize = 128;

/// Tables down to this level are read with one protected call each (see `ToPayload::entries`).
const FAST_DEPTH: usize = 32;

/// After visiting this many tables (or payload containers), a copy starts remembering what it
/// has copied, so a value reachable along many paths is copied once more at most. Below it, no
/// memory is spent on that: ordinary messages are far smaller.
pub const MEMO_AFTER: usize = 1024;

/// Why a Lua value could not become a [`Payload`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ValueError {
    /// A table contains itself (directly or through other tables).
    Cycle,
    /// Tables nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A value with no payload form ([`to_payload_strict`] only); holds its Lua type name.
    Unsupported(&'static str),
    /// A table key with no payload form ([`to_payload_strict`] only); holds its Lua type name.
    UnsupportedKey(&'static str),
    /// The Lua state failed while the table was read (for instance, out of memory).
    Lua(mlua::Error),
}

impl ValueError {
    /// The error kind this maps to: [`ErrorKind::Internal`] for a failing Lua state,
    /// [`ErrorKind::Invalid`] for everything the value itself is to blame for.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ValueError::Lua(_) => ErrorKind::Internal,
            _ => ErrorKind::Invalid,
        }
    }

    /// This error as an [`ErrorValue`] (its kind and its message).
    pub fn to_error_value(&self) -> ErrorValue {
        ErrorValue::new(self.kind(), self.to_string())
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueError::Cycle => f.write_str("table contains a reference to itself"),
            ValueError::TooDeep => write!(f, "tables nested deeper than {MAX_DEPTH} levels"),
            ValueError::Unsupported(ty) => write!(f, "cannot copy a {ty} value"),
            ValueError::UnsupportedKey(ty) => write!(f, "cannot copy a table key of type {ty}"),
            ValueError::Lua(e) => write!(f, "Lua error while copying: {e}"),
        }
    }
}

impl std::error::Error for ValueError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ValueError::Lua(e) => Some(e),
            _ => None,
        }
    }
}

/// Copies a Lua value into a [`Payload`]. See the [module docs](self) for the mapping.
///
/// Errors: [`ValueError::Cycle`], [`ValueError::TooDeep`], or [`ValueError::Lua`] if the VM
/// fails while a table is read. Never panics.
pub fn to_payload(value: &Value) -> Result<Payload, ValueError> {
    ToPayload::new(false).value(value, 0)
}

/// Like [`to_payload`], but a function, thread, non-payload userdata or light userdata (as a
/// value or as a key) is an error ([`ValueError::Unsupported`], [`ValueError::UnsupportedKey`])
/// instead of nil or a dropped entry. Encoders use it.
pub fn to_payload_strict(value: &Value) -> Result<Payload, ValueError> {
    ToPayload::new(true).value(value, 0)
}

/// Builds a Lua value in `lua` from a payload: new tables, strings and error userdata that
/// `lua` owns. See the [module docs](self).
///
/// Lua errors: a payload nested deeper than [`MAX_DEPTH`] containers (a runtime error), or
/// out of memory.
pub fn from_payload(lua: &Lua, p: &Payload) -> mlua::Result<Value> {
    FromPayload {
        lua,
        visited: 0,
        memo: None,
    }
    .value(p, 0)
}

/// Lua to payload: the walk's state.
struct ToPayload {
    strict: bool,
    /// The tables on the path from the root to the current one, by address (cycle check).
    path: SmallVec<[usize; 16]>,
    /// Tables visited so far, to switch the memo on.
    visited: usize,
    /// Copies of tables already finished, once `visited` passed [`MEMO_AFTER`].
    memo: Option<PtrMap<Payload>>,
}

impl ToPayload {
    fn new(strict: bool) -> ToPayload {
        ToPayload {
            strict,
            path: SmallVec::new(),
            visited: 0,
            memo: None,
        }
    }

    /// `depth` is the number of tables enclosing `value`.
    fn value(&mut self, value: &Value, depth: usize) -> Result<Payload, ValueError> {
        Ok(match value {
            Value::Nil => Payload::Nil,
            Value::Boolean(b) => Payload::Bool(*b),
            Value::Integer(i) => Payload::Int(*i),
            Value::Number(n) => Payload::Float(*n),
            Value::String(s) => Payload::Str(Bytes::copy_from_slice(&s.as_bytes())),
            Value::Table(t) => self.table(t, depth + 1)?,
            Value::UserData(ud) => match userdata(ud) {
                Some(p) => p,
                None if self.strict => return Err(ValueError::Unsupported("userdata")),
                None => Payload::Nil,
            },
            Value::Error(e) => Payload::Error(Arc::new(errors::from_lua_error(e))),
            other if self.strict => return Err(ValueError::Unsupported(other.type_name())),
            _ => Payload::Nil,
        })
    }

    /// `depth` is this table's level (the root table is 1).
    fn table(&mut self, t: &Table, depth: usize) -> Result<Payload, ValueError> {
        if depth > MAX_DEPTH {
            return Err(ValueError::TooDeep);
        }
        let id = t.to_pointer() as usize;
        if self.path.contains(&id) {
            return Err(ValueError::Cycle);
        }
        if let Some(done) = self.memo.as_ref().and_then(|m| m.get(&id)) {
            return Ok(done.clone());
        }
        self.visited += 1;
        if self.visited > MEMO_AFTER && self.memo.is_none() {
            self.memo = Some(PtrMap::default());
        }
        self.path.push(id);
        let copy = self.entries(t, depth)?;
        self.path.pop();
        if let Some(memo) = &mut self.memo {
            memo.insert(id, copy.clone());
        }
        Ok(copy)
    }

    /// Reads the entries of `t` (at level `depth`) into a [`Collect`].
    ///
    /// Up to [`FAST_DEPTH`] it uses mlua's `for_each`, one protected call for the whole table
    /// (about twice as fast as stepping); each nested `for_each` is one more C call, which Lua
    /// caps at 200, so deeper tables are stepped with `pairs`, which nests nothing.
    fn entries(&mut self, t: &Table, depth: usize) -> Result<Payload, ValueError> {
        let mut acc = Collect::default();
        if depth <= FAST_DEPTH {
            let mut failed = None;
            let walked = t.for_each::<Value, Value>(|k, v| {
                self.entry(&mut acc, &k, &v, depth).map_err(|e| {
                    failed = Some(e);
                    // Only stops the walk; `failed` is what is reported.
                    mlua::Error::runtime("copy failed")
                })
            });
            if let Some(e) = failed {
                return Err(e);
            }
            walked.map_err(ValueError::Lua)?;
        } else {
            for pair in t.pairs::<Value, Value>() {
                let (k, v) = pair.map_err(ValueError::Lua)?;
                self.entry(&mut acc, &k, &v, depth)?;
            }
        }
        Ok(acc.finish())
    }

    /// Adds one entry of a table at level `depth`.
    fn entry(
        &mut self,
        acc: &mut Collect,
        k: &Value,
        v: &Value,
        depth: usize,
    ) -> Result<(), ValueError> {
        if acc.map.is_none() {
            if let Value::Integer(i) = *k
                && usize::try_from(i).is_ok_and(|i| i == acc.items.len() + 1)
            {
                acc.items.push(self.value(v, depth)?);
                return Ok(());
            }
            acc.map = Some(items_to_map(std::mem::take(&mut acc.items)));
        }
        if let Some(key) = self.key(k)? {
            let value = self.value(v, depth)?;
            if let Some(map) = &mut acc.map {
                map.insert(key, value);
            }
        }
        Ok(())
    }

    /// A table key as a map key; `None` drops the entry (lenient mode only).
    fn key(&self, k: &Value) -> Result<Option<MapKey>, ValueError> {
        Ok(match k {
            Value::Integer(i) => Some(MapKey::Int(*i)),
            // Lua already stores integral float keys as integers, and NaN is never a key.
            Value::Number(n) => MapKey::from_f64(*n),
            Value::String(s) => Some(MapKey::Str(Bytes::copy_from_slice(&s.as_bytes()))),
            Value::Boolean(b) => Some(MapKey::Bool(*b)),
            other if self.strict => return Err(ValueError::UnsupportedKey(other.type_name())),
            _ => None,
        })
    }
}

/// The entries of one table, collected as an array while keys arrive as 1, 2, 3, ... (Lua's
/// `next` visits the array part first, in order), and as a map from the first key that breaks
/// the run; a map whose keys turn out to be exactly `1..=n` becomes an array at the end.
#[derive(Default)]
struct Collect {
    items: Vec<Payload>,
    map: Option<Map>,
}

impl Collect {
    fn finish(self) -> Payload {
        match self.map {
            None => Payload::Array(self.items.into()),
            Some(map) => sequence(&map).unwrap_or_else(|| Payload::Map(Arc::new(map))),
        }
    }
}

/// The payload form of our userdata types, `None` for any other userdata.
fn userdata(ud: &AnyUserData) -> Option<Payload> {
    if let Ok(e) = ud.borrow::<LuaError>() {
        return Some(Payload::Error(e.0.clone()));
    }
    if let Ok(p) = ud.borrow::<LuaPayload>() {
        return Some(p.payload().clone());
    }
    None
}

/// Items collected as an array so far (keys `1..=n`), moved into a map.
fn items_to_map(items: Vec<Payload>) -> Map {
    let mut map = Map::with_capacity(items.len() + 1);
    for (i, item) in (1..).zip(items) {
        map.insert(MapKey::Int(i), item);
    }
    map
}

/// The map as an array, if its keys are exactly `1..=n` for some `n >= 1`.
fn sequence(map: &Map) -> Option<Payload> {
    let n = map.len();
    let in_range = |k: &MapKey| matches!(k, MapKey::Int(i) if usize::try_from(*i).is_ok_and(|i| (1..=n).contains(&i)));
    // Keys are distinct, so `n` keys in `1..=n` are exactly `1..=n`.
    if n == 0 || !map.keys().all(in_range) {
        return None;
    }
    (1..=n)
        .map(|i| map.get_key(&MapKey::Int(i64::try_from(i).ok()?)).cloned())
        .collect::<Option<Vec<_>>>()
        .map(Payload::from)
}

/// Payload to Lua: the walk's state.
struct FromPayload<'a> {
    lua: &'a Lua,
    /// Containers visited so far, to switch the memo on.
    visited: usize,
    /// Tables already built for shared containers, once `visited` passed [`MEMO_AFTER`].
    memo: Option<PtrMap<Table>>,
}

impl FromPayload<'_> {
    /// `depth` is the number of containers enclosing `p`.
    fn value(&mut self, p: &Payload, depth: usize) -> mlua::Result<Value> {
        Ok(match p {
            Payload::Nil => Value::Nil,
            Payload::Bool(b) => Value::Boolean(*b),
            Payload::Int(i) => Value::Integer(*i),
            Payload::Float(f) => Value::Number(*f),
            Payload::Str(s) => Value::String(self.lua.create_string(s)?),
            Payload::Array(items) => {
                let id = items.as_ptr() as usize;
                let shared = Arc::strong_count(items) > 1;
                self.container(id, shared, depth + 1, |this, depth| {
                    let t = this.lua.create_table_with_capacity(items.len(), 0)?;
                    for (i, item) in (1_i64..).zip(items.iter()) {
                        if !item.is_nil() {
                            t.raw_set(i, this.value(item, depth)?)?;
                        }
                    }
                    Ok(t)
                })?
            }
            Payload::Map(map) => {
                let id = Arc::as_ptr(map) as usize;
                let shared = Arc::strong_count(map) > 1;
                self.container(id, shared, depth + 1, |this, depth| {
                    let t = this.lua.create_table_with_capacity(0, map.len())?;
                    for (k, v) in map.iter() {
                        if !v.is_nil() {
                            t.raw_set(key_value(this.lua, k)?, this.value(v, depth)?)?;
                        }
                    }
                    Ok(t)
                })?
            }
            Payload::Error(e) => Value::UserData(self.lua.create_userdata(LuaError(e.clone()))?),
        })
    }

    /// Builds one table at level `depth`, through the memo when it is on and the container is
    /// shared (an `Arc` held once can be reached once only, so it never needs the memo).
    fn container(
        &mut self,
        id: usize,
        shared: bool,
        depth: usize,
        build: impl FnOnce(&mut Self, usize) -> mlua::Result<Table>,
    ) -> mlua::Result<Value> {
        if depth > MAX_DEPTH {
            return Err(mlua::Error::runtime(format!(
                "payload nested deeper than {MAX_DEPTH} levels"
            )));
        }
        if shared && let Some(t) = self.memo.as_ref().and_then(|m| m.get(&id)) {
            return Ok(Value::Table(t.clone()));
        }
        self.visited += 1;
        if self.visited > MEMO_AFTER && self.memo.is_none() {
            self.memo = Some(PtrMap::default());
        }
        let t = build(self, depth)?;
        if shared && let Some(memo) = &mut self.memo {
            memo.insert(id, t.clone());
        }
        Ok(Value::Table(t))
    }
}

/// A value's type as Lua's `type()` names it (mlua says `integer` for some numbers).
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Integer(_) | Value::Number(_) => "number",
        other => other.type_name(),
    }
}

/// A map key as a Lua value.
fn key_value(lua: &Lua, k: &MapKey) -> mlua::Result<Value> {
    Ok(match k {
        MapKey::Bool(b) => Value::Boolean(*b),
        MapKey::Int(i) => Value::Integer(*i),
        MapKey::Float(f) => Value::Number(f.get()),
        MapKey::Str(s) => Value::String(lua.create_string(s)?),
    })
}

/// A hash map keyed by an address, for the memos.
type PtrMap<V> = HashMap<usize, V, BuildHasherDefault<PtrHasher>>;

/// Hashes an address: multiply by a large odd constant (Fibonacci hashing), which spreads the
/// aligned low bits well enough for a short-lived map and costs one instruction.
#[derive(Default)]
struct PtrHasher(u64);

impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests;
