//! Deep copy between one process's Lua VM and a [`Payload`].
//!
//! Processes are isolated VMs, so every message, spawn argument and exit result crosses a
//! process boundary as a [`Payload`]: the sender's VM owns its tables, the payload owns the
//! copy (immutable, `Send + Sync`, cheap to clone), and `push_payload` builds fresh tables
//! that the receiver's VM owns. Nothing is shared between the two VMs.
//!
//! # Lua to payload (`to_payload`)
//!
//! | Lua | `Payload` |
//! |---|---|
//! | `nil`, boolean, integer, float | `Nil`, `Bool`, `Int`, `Float` (the integer/float subtype is kept) |
//! | string | `Str` (bytes, not necessarily UTF-8) |
//! | table with keys exactly `1..=n`, `n >= 1` | `Array` |
//! | empty table | empty `Array` (so `json.encode({})` is `[]`), but an empty `Map` for a table made from one (below) |
//! | any other table | `Map`, keys as [`MapKey`] (integer, float, string, boolean) |
//! | error userdata (`errors.new`, `nil, err` returns) | `Error` (the same [`ErrorValue`], shared) |
//! | payload userdata (`payload.new`, `msg:payload()`) | its value in `lua/any` (JSON text decoded) |
//! | function, thread, other userdata, light userdata | `Nil` (the original, one heap for all processes, passes a function itself) |
//!
//! - Tables are read raw: metatables are **not** copied and `__index`/`__pairs` are not
//!   consulted. (The original copies metatables; a payload has no place for one, and a
//!   metatable full of functions would arrive as nil anyway.)
//! - Entries whose key has no payload form (a table, function, userdata or thread used as a
//!   key) are dropped.
//! - A table that contains itself is a [`ValueError::Cycle`]; nesting deeper than
//!   [`MAX_DEPTH`] tables is [`ValueError::TooDeep`]. Neither overflows a stack.
//! - Sharing is not preserved: a table reachable twice arrives as two equal tables, as terms do
//!   in Erlang. Table identity is never promised across a copy. (To bound the work on
//!   pathological graphs, such as `t = {t, t}` repeated 60 times, each side starts reusing
//!   what it already copied once a copy has visited [`MEMO_AFTER`] tables.)
//! - A string of [`SHARE_STRINGS_FROM`] bytes or more that the value holds many times is
//!   copied once and shared inside the payload (strings are values: nothing shows it), so
//!   a message is never much larger than what the sender's VM holds.
//!
//! `to_payload_strict` is the same walk for encoders (`json.encode`): values and keys with no
//! payload form are errors instead of being turned into nil or dropped.
//!
//! The copy only reads the VM: it never raises a Lua error, never allocates in the VM and
//! runs no Lua code, so it may be called outside a protected call (on the result of a
//! finished coroutine, on the error object of a failed call). The stack is left as it was.
//! The payload it returns is owned by the caller and holds nothing of the VM.
//!
//! # Payload to Lua (`push_payload`)
//!
//! The inverse: `Array` and `Map` become new tables (an array of length `n` gets keys `1..=n`;
//! a `Nil` item leaves a hole), `Error` becomes an error userdata around the same `Arc`.
//! A table made from an empty `Map` (a decoded `{}`) is remembered, by identity and weakly,
//! in a registry set: while it stays empty it copies back as an empty `Map`, so
//! `json.encode(json.decode('{"x": {}}'))` keeps its object, as the original's decoded
//! tables do. (The set lives in the VM's registry under a fixed key; a reused VM keeps
//! it, holding only the old process's garbage, which no script can reach.)
//! Payloads nested deeper than [`MAX_DEPTH`] containers are refused with an error rather than
//! recursing without bound. The new value belongs to the VM; the payload stays the caller's.
//!
//! # Memory errors
//!
//! The caller owns the payload (a decoded text, a message), often of a size the script
//! chose, and a memory error raised while the tables are built (the VM reached its limit)
//! would jump over the caller and leak it for good; a script can catch that error and try
//! again. So when the value might not fit, it is built in a protected call
//! (`Lua::protected`), and a memory error comes back as `Raise::Memory`: the caller
//! returns it, dropping what it owns, and the trampoline raises it again. "Might not fit"
//! is a bound of what the building allocates ([`Bound`]: tables, strings, error
//! userdata, and what the VM's string table may grow by) against what the VM may still
//! allocate; a value over 64 KB, one with an empty map, or one that needs the memo is
//! always built protected. The walk below owns nothing, so a jump out of it leaks nothing.
//! The bound costs a walk over the payload's containers, which a small message's
//! building dwarfs; numbers, booleans and nil skip it.
//!
//! # Cost
//!
//! One pass over the source, no intermediate tree: each table is walked once with raw
//! `lua_next`, its items go straight into the `Vec` or [`Map`] that becomes the payload node,
//! and the cycle check is a scan of the current path (kept inline for the first 16 levels).
//! Only copies of more than [`MEMO_AFTER`] tables pay for a memo (a hash map on the Rust
//! side, a Lua table on the Lua side). Strings are copied once, into [`Bytes`]; errors are
//! shared, not copied.

use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use mlua::ffi;
use smallvec::SmallVec;
use wippy_runtime::payload::{ErrorKind, ErrorValue, Map, MapKey, Payload, Text};

use crate::modules::errors::{error_value, push_error};
use crate::modules::payload::payload_of;
use crate::vm::lua::{
    LResult, LUA_TBOOLEAN, LUA_TNIL, LUA_TNONE, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE,
    LUA_TUSERDATA, Lua, Raise, SHORT_STRING, STRING_BYTES,
};

/// The deepest nesting of tables a copy accepts, in either direction (the original's limit
/// for `json.encode` and `json.decode`, whose depth counts from 0 and fails past 128:
/// 129 tables; used for every copy). The outermost table is level 1.
pub const MAX_DEPTH: usize = 129;

/// After visiting this many tables (or payload containers), a copy starts remembering what it
/// has copied, so a value reachable along many paths is copied once more at most. Below it, no
/// memory is spent on that: ordinary messages are far smaller.
pub const MEMO_AFTER: usize = 1024;

/// Strings of this many bytes or more are copied once per copy of a value, however many
/// times the value holds them (shorter ones cost a copy no more than the slot that holds
/// them in the VM).
pub const SHARE_STRINGS_FROM: usize = 64;

/// `true` when `p` written as text (JSON, YAML: every occurrence of every string, key
/// and scalar written out) certainly takes more than `limit` bytes. A payload shares
/// strings and tables that the text repeats, so the text can be far larger than the
/// payload; encoders ask this before they build it. Stops counting once past `limit`.
pub(crate) fn text_exceeds(p: &Payload, limit: usize) -> bool {
    if limit == usize::MAX || limit == 0 {
        // No limit, or a VM whose allocator is not ours (nothing known): nothing to ask.
        return false;
    }
    count_text(p, &mut 0, limit)
}

/// [`text_exceeds`] for the entries of a map (a log record's fields).
pub(crate) fn map_text_exceeds(map: &Map, limit: usize) -> bool {
    count_map_text(map, &mut 0, limit)
}

/// Adds the text of `p` to `total`; `true` once past `limit`.
fn count_text(p: &Payload, total: &mut usize, limit: usize) -> bool {
    *total = total.saturating_add(match p {
        Payload::Str(s) => s.as_slice().len().saturating_add(2),
        Payload::Error(e) => e.text().len().saturating_add(2),
        _ => 1,
    });
    if *total > limit {
        return true;
    }
    match p {
        Payload::Array(items) => items.iter().any(|item| count_text(item, total, limit)),
        Payload::Map(map) => count_map_text(map, total, limit),
        _ => false,
    }
}

fn count_map_text(map: &Map, total: &mut usize, limit: usize) -> bool {
    map.iter().any(|(k, v)| {
        if let MapKey::Str(k) = k {
            *total = total.saturating_add(k.as_slice().len());
        }
        count_text(v, total, limit)
    })
}

/// The error of an encoder whose text would not fit in the `limit` bytes its process may
/// use ([`text_exceeds`]). (Bounded by the limit, not by what is free now: garbage that a
/// collection would free may fill the rest.)
pub(crate) fn too_large_for_memory(limit: usize) -> ErrorValue {
    ErrorValue::new(
        ErrorKind::Invalid,
        format!("the text would take more than the {limit} bytes of this process's memory limit"),
    )
}

/// Why a Lua value could not become a [`Payload`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ValueError {
    /// A table contains itself (directly or through other tables).
    Cycle,
    /// Tables nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A value with no payload form (`to_payload_strict` only); holds its Lua type name.
    Unsupported(&'static str),
    /// A table key with no payload form (`to_payload_strict` only); holds its Lua type name.
    UnsupportedKey(&'static str),
    /// The Lua stack could not grow to walk the table (the VM is out of stack or memory).
    Stack,
}

impl ValueError {
    /// The error kind this maps to: [`ErrorKind::Internal`] for a VM that cannot make room
    /// for the walk, [`ErrorKind::Invalid`] for everything the value itself is to blame for.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ValueError::Stack => ErrorKind::Internal,
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
            ValueError::Stack => f.write_str("Lua stack overflow while copying"),
        }
    }
}

impl std::error::Error for ValueError {}

/// Copies the Lua value at stack index `idx` into a [`Payload`]. See the
/// [module docs](self) for the mapping.
///
/// Never raises, never allocates in the VM, leaves the stack as it was.
///
/// Errors: [`ValueError::Cycle`], [`ValueError::TooDeep`], or [`ValueError::Stack`] if the
/// stack cannot grow for the walk.
pub(crate) fn to_payload(lua: Lua, idx: c_int) -> Result<Payload, ValueError> {
    copy_out(lua, idx, false)
}

/// Like [`to_payload`], but a function, thread, non-payload userdata or light userdata (as a
/// value or as a key) is an error ([`ValueError::Unsupported`], [`ValueError::UnsupportedKey`])
/// instead of nil or a dropped entry. Encoders use it.
pub(crate) fn to_payload_strict(lua: Lua, idx: c_int) -> Result<Payload, ValueError> {
    copy_out(lua, idx, true)
}

fn copy_out(lua: Lua, idx: c_int, strict: bool) -> Result<Payload, ValueError> {
    // Plain values need no walk.
    match lua.kind(idx) {
        LUA_TNIL | LUA_TNONE => return Ok(Payload::Nil),
        LUA_TBOOLEAN => return Ok(Payload::Bool(lua.truthy(idx))),
        LUA_TNUMBER => {
            return Ok(match lua.int(idx) {
                Some(i) => Payload::Int(i),
                None => Payload::Float(lua.number(idx).unwrap_or(f64::NAN)),
            });
        }
        LUA_TSTRING => {
            return Ok(Payload::Str(Text::copy_from_slice(
                lua.bytes(idx).unwrap_or_default(),
            )));
        }
        _ => {}
    }
    let idx = lua.abs(idx);
    let top = lua.top();
    let result = ToPayload {
        lua,
        strict,
        path: SmallVec::new(),
        visited: 0,
        memo: None,
        strings: None,
    }
    .value(idx, 0);
    // A failed walk stops with keys and values on the stack.
    lua.set_top(top);
    result
}

/// Pushes a Lua value built from a payload: new tables, strings and error userdata that the
/// VM owns. See the [module docs](self).
///
/// On error nothing is pushed (the stack is as it was).
///
/// Errors: a payload nested deeper than [`MAX_DEPTH`] containers, or a stack that cannot
/// grow; [`Raise::Memory`] when the VM reached its memory limit while building the value
/// (see "Memory errors" in the module docs: the caller drops what it owns, and the
/// trampoline raises the memory error).
pub(crate) fn push_payload(lua: Lua, p: &Payload) -> LResult<()> {
    lua.ensure(1)?;
    // Numbers, booleans and nil take a stack slot and allocate nothing.
    if !matches!(
        p,
        Payload::Str(_) | Payload::Array(_) | Payload::Map(_) | Payload::Error(_)
    ) {
        push_plain(lua, p);
        return Ok(());
    }
    let mut bound = Bound::default();
    let bounded = bound.add(p, 0);
    if bounded {
        // Room on the stack for the whole walk first, so that the stack does not grow
        // (allocate) during it: each level of containers `ensure`s 8 slots, the walk
        // itself 7, and a finalizer that a collection step runs needs `LUA_MINSTACK`.
        // (`depth` is at most `MAX_DEPTH` here.)
        let depth = c_int::try_from(bound.depth).unwrap_or(c_int::MAX);
        lua.ensure(8 * depth + 8 + ffi::LUA_MINSTACK)?;
        let room = lua.memory_room();
        let need = bound.need(room.used);
        if room.fits(need) {
            let pushed = push_walk(lua, p);
            // The bound holds: what the VM holds grew by no more (a collection step may
            // have freed some meanwhile, never allocated more than a finalizer's frame).
            debug_assert!(
                lua.memory_room().used <= room.used + need + 1024,
                "pushing a payload allocated more than its bound ({need} bytes)"
            );
            return pushed;
        }
    }
    lua.protected(|lua| push_walk(lua, p))
}

/// [`push_payload`] without a protected call: a memory error unwinds to the enclosing
/// protected call.
fn push_walk(lua: Lua, p: &Payload) -> LResult<()> {
    lua.ensure(1)?;
    if push_plain(lua, p) {
        return Ok(());
    }
    lua.ensure(6)?;
    if !matches!(p, Payload::Array(_) | Payload::Map(_)) {
        let mut walk = FromPayload {
            lua,
            memo: 0,
            memo_on: false,
            memo_made: false,
            visited: 0,
        };
        return walk.value(p, 0);
    }
    let top = lua.top();
    // The memo's slot: nil until the memo is switched on.
    lua.push_nil();
    let mut walk = FromPayload {
        lua,
        memo: top + 1,
        memo_on: false,
        memo_made: false,
        visited: 0,
    };
    match walk.value(p, 0) {
        Ok(()) => {
            lua.remove(top + 1);
            Ok(())
        }
        Err(e) => {
            lua.set_top(top);
            Err(e)
        }
    }
}

/// The most that [`push_payload`] builds without a protected call, in bytes of the VM's
/// memory: past it, the protected call's cost is small beside the building's.
const UNPROTECTED_BYTES: usize = 64 * 1024;

/// Bounds of what building a value allocates in the VM (Lua 5.4, 64-bit), each rounded
/// up (strings: `vm::lua::STRING_BYTES`). A table: its `Table` (56 bytes).
const TABLE_BYTES: usize = 64;
/// An item of an array: a `TValue` of the array part.
const ARRAY_ITEM_BYTES: usize = 16;
/// An entry of a map: the hash part is a power of two of 24-byte nodes, so up to two
/// nodes per entry.
const MAP_ITEM_BYTES: usize = 64;
/// An error userdata, with its metatable when it is the VM's first (the charge of its
/// Rust bytes comes on top).
const ERROR_BYTES: usize = 4096;

/// A bound of what [`push_walk`] allocates for a payload (see [`Bound::add`]).
#[derive(Default)]
struct Bound {
    /// Bytes of the tables, strings and userdata it makes.
    bytes: usize,
    /// Containers counted (the walk switches its memo on past [`MEMO_AFTER`]).
    containers: usize,
    /// The deepest level of containers.
    depth: usize,
    /// It makes interned strings or an error userdata (which names its type with one).
    short_strings: bool,
}

impl Bound {
    /// Adds the bound of `p`, enclosed in `depth` containers. `false` when there is no
    /// cheap bound: past [`UNPROTECTED_BYTES`], past [`MEMO_AFTER`] containers or
    /// [`MAX_DEPTH`] levels, or with an empty map (each table made from one joins the
    /// VM's set of empty objects, which may grow by its whole size).
    fn add(&mut self, p: &Payload, depth: usize) -> bool {
        match p {
            Payload::Nil | Payload::Bool(_) | Payload::Int(_) | Payload::Float(_) => {}
            Payload::Str(s) => self.string(s.len()),
            Payload::Array(items) => {
                if !self.container(depth, TABLE_BYTES + ARRAY_ITEM_BYTES * items.len()) {
                    return false;
                }
                for item in items.iter() {
                    if !self.add(item, depth + 1) {
                        return false;
                    }
                }
            }
            Payload::Map(map) => {
                if map.is_empty()
                    || !self.container(depth, TABLE_BYTES + MAP_ITEM_BYTES * map.len())
                {
                    return false;
                }
                for (k, v) in map.iter() {
                    if let MapKey::Str(s) = k {
                        self.string(s.len());
                    }
                    if !self.add(v, depth + 1) {
                        return false;
                    }
                }
            }
            Payload::Error(e) => {
                // The userdata, and the charge of the error's Rust bytes it makes
                // (`errors::push_error`).
                self.bytes = self.bytes.saturating_add(
                    ERROR_BYTES
                        + crate::modules::errors::error_bytes(e)
                        + crate::vm::alloc::ARC_HEADER,
                );
                self.short_strings = true;
            }
        }
        self.bytes <= UNPROTECTED_BYTES
    }

    /// Counts one container at `depth` (0 for the root) taking `bytes`.
    fn container(&mut self, depth: usize, bytes: usize) -> bool {
        self.containers += 1;
        self.depth = self.depth.max(depth + 1);
        self.bytes = self.bytes.saturating_add(bytes);
        self.containers <= MEMO_AFTER && depth < MAX_DEPTH && self.bytes <= UNPROTECTED_BYTES
    }

    fn string(&mut self, len: usize) {
        // A long one also takes a memo entry (and the memo, counted with each).
        let memo = if len >= SHARE_STRINGS_FROM {
            TABLE_BYTES + MAP_ITEM_BYTES
        } else {
            0
        };
        self.bytes = self.bytes.saturating_add(STRING_BYTES + len + memo);
        self.short_strings |= len <= SHORT_STRING;
    }

    /// The bytes, and what the VM's string table may grow by if the value makes
    /// interned strings: the table doubles when it holds as many strings as it has
    /// slots (8 bytes each), and every string takes 25 bytes at least, so a doubling
    /// costs under a third of the memory in use, and the doublings the new strings
    /// cause less than their own size.
    /// `used` is what the VM holds now.
    fn need(&self, used: usize) -> usize {
        if !self.short_strings {
            return self.bytes;
        }
        self.bytes.saturating_mul(2).saturating_add(used / 2)
    }
}

/// Lua to payload: the walk's state.
struct ToPayload {
    lua: Lua,
    strict: bool,
    /// The tables on the path from the root to the current one, by address (cycle check).
    path: SmallVec<[usize; 16]>,
    /// Tables visited so far, to switch the memo on.
    visited: usize,
    /// Copies of tables already finished, once `visited` passed [`MEMO_AFTER`].
    memo: Option<PtrMap<Payload>>,
    /// Copies of the strings of [`SHARE_STRINGS_FROM`] bytes or more met so far, by the
    /// Lua string's address: a string the value holds many times is copied once.
    strings: Option<PtrMap<Text>>,
}

impl ToPayload {
    /// The value at absolute index `idx`; `depth` is the number of tables enclosing it.
    fn value(&mut self, idx: c_int, depth: usize) -> Result<Payload, ValueError> {
        let lua = self.lua;
        Ok(match lua.kind(idx) {
            LUA_TNIL | LUA_TNONE => Payload::Nil,
            LUA_TBOOLEAN => Payload::Bool(lua.truthy(idx)),
            LUA_TNUMBER => match lua.int(idx) {
                Some(i) => Payload::Int(i),
                None => Payload::Float(lua.number(idx).unwrap_or(f64::NAN)),
            },
            LUA_TSTRING => Payload::Str(self.text(idx)),
            LUA_TTABLE => self.table(idx, depth + 1)?,
            LUA_TUSERDATA => match userdata(lua, idx) {
                Some(p) => p,
                None if self.strict => return Err(ValueError::Unsupported("userdata")),
                None => Payload::Nil,
            },
            _ if self.strict => return Err(ValueError::Unsupported(lua.type_name(idx))),
            _ => Payload::Nil,
        })
    }

    /// The string at `idx` as a text; a long one the walk met before shares that copy,
    /// so that a table holding one big string many times (each a 16-byte slot in the
    /// sender's heap) cannot make a message many times larger than the sender's memory.
    #[inline]
    fn text(&mut self, idx: c_int) -> Text {
        let bytes = self.lua.bytes(idx).unwrap_or_default();
        if bytes.len() < SHARE_STRINGS_FROM {
            return Text::copy_from_slice(bytes);
        }
        self.shared_text(idx, bytes)
    }

    /// [`text`](Self::text) of a long string: through the memo.
    #[inline(never)]
    fn shared_text(&mut self, idx: c_int, bytes: &[u8]) -> Text {
        // SAFETY: live state; the value at `idx` is a string, whose address is its
        // identity while it stays reachable from the root (the whole walk).
        let id = unsafe { ffi::lua_topointer(self.lua.raw(), idx) } as usize;
        let strings = self.strings.get_or_insert_with(PtrMap::default);
        strings
            .entry(id)
            .or_insert_with(|| Text::copy_from_slice(bytes))
            .clone()
    }

    /// The table at absolute index `idx`; `depth` is its level (the root table is 1).
    fn table(&mut self, idx: c_int, depth: usize) -> Result<Payload, ValueError> {
        if depth > MAX_DEPTH {
            return Err(ValueError::TooDeep);
        }
        // SAFETY: live state; the value at `idx` is a table, whose address is its identity
        // (it stays reachable from the root, on the stack, for the whole walk: no Lua code
        // runs and nothing is collected meanwhile).
        let id = unsafe { ffi::lua_topointer(self.lua.raw(), idx) } as usize;
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
        let mut copy = self.entries(idx, depth)?;
        self.path.pop();
        if copy.is_empty_container() && is_empty_object(self.lua, idx) {
            copy = Payload::Map(Arc::default());
        }
        if let Some(memo) = &mut self.memo {
            memo.insert(id, copy.clone());
        }
        Ok(copy)
    }

    /// Reads the entries of the table at `idx` (at level `depth`) with raw `lua_next`: no
    /// metamethod is consulted, and the walk nests no C call, so any depth is reachable.
    fn entries(&mut self, idx: c_int, depth: usize) -> Result<Payload, ValueError> {
        let lua = self.lua;
        lua.ensure(3).map_err(|_| ValueError::Stack)?;
        let mut acc = Collect::default();
        lua.push_nil();
        while lua.next(idx) {
            let top = lua.top();
            // On failure the key and value stay: `copy_out` resets the stack.
            self.entry(&mut acc, top - 1, top, depth)?;
            lua.pop(1);
        }
        Ok(acc.finish())
    }

    /// Adds one entry (key at `k`, value at `v`) of a table at level `depth`.
    fn entry(
        &mut self,
        acc: &mut Collect,
        k: c_int,
        v: c_int,
        depth: usize,
    ) -> Result<(), ValueError> {
        if acc.map.is_none() {
            if let Some(i) = self.lua.int(k)
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
                // `next` gives each key once.
                map.push_new(key, value);
            }
        }
        Ok(())
    }

    /// The table key at `k` as a map key; `None` drops the entry (lenient mode only).
    fn key(&mut self, k: c_int) -> Result<Option<MapKey>, ValueError> {
        let lua = self.lua;
        Ok(match lua.kind(k) {
            LUA_TNUMBER => match lua.int(k) {
                Some(i) => Some(MapKey::Int(i)),
                // Lua already stores integral float keys as integers, and NaN is never a key.
                None => lua.number(k).and_then(MapKey::from_f64),
            },
            // `bytes` reads a string key as it is: nothing is converted under `lua_next`.
            LUA_TSTRING => Some(MapKey::Str(self.text(k))),
            LUA_TBOOLEAN => Some(MapKey::Bool(lua.truthy(k))),
            _ if self.strict => return Err(ValueError::UnsupportedKey(lua.type_name(k))),
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
fn userdata(lua: Lua, idx: c_int) -> Option<Payload> {
    if let Some(e) = error_value(lua, idx) {
        return Some(Payload::Error(e));
    }
    payload_of(lua, idx)
}

/// Items collected as an array so far (keys `1..=n`), moved into a map.
fn items_to_map(items: Vec<Payload>) -> Map {
    // Room for a small record (`{sender = ..., data = ...}`) without growing.
    let mut map = Map::with_capacity((items.len() + 1).max(4));
    for (i, item) in (1..).zip(items) {
        map.push_new(MapKey::Int(i), item);
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

/// Payload to Lua: the walk's state. It owns nothing (a memory error may unwind over it).
struct FromPayload {
    lua: Lua,
    /// The stack slot of the memo: nil until `memo_on`, then a table from container
    /// addresses (light userdata) to the tables built for them.
    memo: c_int,
    memo_on: bool,
    /// Whether the memo table is made: for the containers once `memo_on`, and for the
    /// first string of [`SHARE_STRINGS_FROM`] bytes or more (long strings always go
    /// through it, keyed by the address of their bytes, so that a text the payload
    /// shares becomes one Lua string however often the value holds it).
    memo_made: bool,
    /// Containers visited so far, to switch the memo on.
    visited: usize,
}

/// Pushes `p` if it is a plain value (nil, boolean, number, string), into one slot the
/// caller has made room for; `false` (nothing pushed) for anything else.
fn push_plain(lua: Lua, p: &Payload) -> bool {
    match p {
        Payload::Nil => lua.push_nil(),
        Payload::Bool(b) => lua.push_bool(*b),
        Payload::Int(i) => lua.push_int(*i),
        Payload::Float(f) => lua.push_number(*f),
        Payload::Str(s) => lua.push_bytes(s),
        _ => return false,
    }
    true
}

impl FromPayload {
    /// Pushes `p`; `depth` is the number of containers enclosing it.
    fn value(&mut self, p: &Payload, depth: usize) -> LResult<()> {
        let lua = self.lua;
        match p {
            Payload::Nil | Payload::Bool(_) | Payload::Int(_) | Payload::Float(_) => {
                push_plain(lua, p);
            }
            Payload::Str(s) => self.string(s)?,
            Payload::Array(items) => {
                let id = items.as_ptr().cast::<c_void>();
                let shared = Arc::strong_count(items) > 1;
                self.container(id, shared, depth + 1, |this, depth| {
                    lua.new_table(c_int::try_from(items.len()).unwrap_or(c_int::MAX), 0);
                    let t = lua.top();
                    for (i, item) in (1_i64..).zip(items.iter()) {
                        if !item.is_nil() {
                            this.value(item, depth)?;
                            lua.set_index(t, i);
                        }
                    }
                    Ok(())
                })?;
            }
            Payload::Map(map) => {
                let id = Arc::as_ptr(map).cast::<c_void>();
                let shared = Arc::strong_count(map) > 1;
                self.container(id, shared, depth + 1, |this, depth| {
                    lua.new_table(0, c_int::try_from(map.len()).unwrap_or(c_int::MAX));
                    let t = lua.top();
                    if map.is_empty() {
                        mark_empty_object(lua, t)?;
                    }
                    for (k, v) in map.iter() {
                        if !v.is_nil() {
                            match k {
                                MapKey::Str(s) => this.string(s)?,
                                _ => push_key(lua, k),
                            }
                            this.value(v, depth)?;
                            // SAFETY: live state; the table at `t`, the key (never nil or
                            // NaN: map keys cannot be) at -2 and the value on top.
                            unsafe { ffi::lua_rawset(lua.raw(), t) };
                        }
                    }
                    Ok(())
                })?;
            }
            Payload::Error(e) => push_error(lua, e.clone()),
        }
        Ok(())
    }

    /// Pushes one table at level `depth` (made by `build`), through the memo when it is on
    /// and the container is shared (an `Arc` held once can be reached once only, so it never
    /// needs the memo).
    fn container(
        &mut self,
        id: *const c_void,
        shared: bool,
        depth: usize,
        build: impl FnOnce(&mut Self, usize) -> LResult<()>,
    ) -> LResult<()> {
        if depth > MAX_DEPTH {
            return Err(Raise::Message(format!(
                "payload nested deeper than {MAX_DEPTH} levels"
            )));
        }
        let lua = self.lua;
        // This level holds the table and a key; an error userdata below needs up to 4.
        lua.ensure(8)?;
        if shared && self.memo_on {
            lua.push_light(id);
            // SAFETY: live state; the memo table is at `self.memo`, the key on top.
            if unsafe { ffi::lua_rawget(lua.raw(), self.memo) } == LUA_TTABLE {
                return Ok(());
            }
            lua.pop(1);
        }
        self.visited += 1;
        if self.visited > MEMO_AFTER && !self.memo_on {
            self.make_memo();
            self.memo_on = true;
        }
        build(self, depth)?;
        if shared && self.memo_on {
            lua.push_light(id);
            lua.push_value(-2);
            // SAFETY: live state; the memo table at `self.memo`, key and table on top.
            unsafe { ffi::lua_rawset(lua.raw(), self.memo) };
        }
        Ok(())
    }
}

impl FromPayload {
    /// Makes the memo table in its slot, once.
    fn make_memo(&mut self) {
        if !self.memo_made {
            let lua = self.lua;
            lua.new_table(0, 0);
            // SAFETY: live state; `self.memo` is the slot `push_payload` reserved.
            unsafe { ffi::lua_copy(lua.raw(), -1, self.memo) };
            lua.pop(1);
            self.memo_made = true;
        }
    }

    /// Pushes the string of `s`; one of [`SHARE_STRINGS_FROM`] bytes or more is made once
    /// per walk for each text (by the address of its bytes) and reused after.
    #[inline]
    fn string(&mut self, s: &Text) -> LResult<()> {
        let bytes = s.as_slice();
        if bytes.len() < SHARE_STRINGS_FROM || self.memo == 0 {
            self.lua.push_bytes(bytes);
            return Ok(());
        }
        self.shared_string(bytes)
    }

    /// [`string`](Self::string) of a long text: through the memo.
    #[inline(never)]
    fn shared_string(&mut self, bytes: &[u8]) -> LResult<()> {
        let lua = self.lua;
        lua.ensure(3)?;
        self.make_memo();
        let id = bytes.as_ptr().cast::<c_void>();
        lua.push_light(id);
        // SAFETY: live state; the memo table is at `self.memo`, the key on top.
        let kind = unsafe { ffi::lua_rawget(lua.raw(), self.memo) };
        // Two texts sliced from one buffer may start at the same address: the same
        // address and length are the same bytes.
        // SAFETY: live state, a value on top.
        if kind == LUA_TSTRING && unsafe { ffi::lua_rawlen(lua.raw(), -1) } == bytes.len() {
            return Ok(());
        }
        lua.pop(1);
        if kind == LUA_TSTRING {
            lua.push_bytes(bytes);
            return Ok(());
        }
        lua.push_bytes(bytes);
        lua.push_light(id);
        lua.push_value(-2);
        // SAFETY: live state; the memo table at `self.memo`, key and string on top.
        unsafe { ffi::lua_rawset(lua.raw(), self.memo) };
        Ok(())
    }
}

/// Pushes a map key as a Lua value.
fn push_key(lua: Lua, k: &MapKey) {
    match k {
        MapKey::Bool(b) => lua.push_bool(*b),
        MapKey::Int(i) => lua.push_int(*i),
        MapKey::Float(f) => lua.push_number(f.get()),
        MapKey::Str(s) => lua.push_bytes(s),
    }
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

/// The registry key of the set of tables made from empty maps (see the module docs).
fn empty_objects_key() -> *const c_void {
    static KEY: u8 = 0;
    std::ptr::addr_of!(KEY).cast()
}

/// Adds the table at absolute index `t` to the VM's set of empty objects, making the set
/// (a table with weak keys) on first use.
///
/// Errors: no room on the stack. A memory error unwinds to the enclosing protected call.
fn mark_empty_object(lua: Lua, t: c_int) -> LResult<()> {
    lua.ensure(4)?;
    // SAFETY: live state with room for the values pushed below (ensured); the registry
    // slot under our key holds nil or the set (only this file writes it).
    unsafe {
        let l = lua.raw();
        if ffi::lua_rawgetp(l, ffi::LUA_REGISTRYINDEX, empty_objects_key()) != LUA_TTABLE {
            ffi::lua_settop(l, -2);
            ffi::lua_createtable(l, 0, 1);
            ffi::lua_createtable(l, 0, 1);
            ffi::lua_pushstring(l, c"k".as_ptr());
            ffi::lua_setfield(l, -2, c"__mode".as_ptr());
            ffi::lua_setmetatable(l, -2);
            ffi::lua_pushvalue(l, -1);
            ffi::lua_rawsetp(l, ffi::LUA_REGISTRYINDEX, empty_objects_key());
        }
        ffi::lua_pushvalue(l, t);
        ffi::lua_pushboolean(l, 1);
        ffi::lua_rawset(l, -3);
        ffi::lua_settop(l, -2);
    }
    Ok(())
}

/// `true` if the table at absolute index `idx` was made from an empty map. Reads only: no
/// allocation, no Lua error; the stack is left as it was (two free slots are needed,
/// which the walk's `ensure(3)` leaves).
fn is_empty_object(lua: Lua, idx: c_int) -> bool {
    let top = lua.top();
    // SAFETY: live state with room for two values; `lua_rawgetp` and `lua_rawget` on a
    // table neither allocate nor raise.
    let found = unsafe {
        let l = lua.raw();
        ffi::lua_rawgetp(l, ffi::LUA_REGISTRYINDEX, empty_objects_key()) == LUA_TTABLE && {
            ffi::lua_pushvalue(l, idx);
            ffi::lua_rawget(l, -2) != LUA_TNIL
        }
    };
    lua.set_top(top);
    found
}
