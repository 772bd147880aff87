//! `json.validate(schema, data)` and `json.validate_string(schema, text)`: JSON Schema
//! validation (reference §1.8), as the original's `json` module does it.
//!
//! - `schema` is a table (encoded as `json.encode` would) or JSON text.
//! - `data` is any value `json.encode` accepts (`validate`), or JSON text
//!   (`validate_string`). An empty table is valid if the schema accepts it as `[]` (as
//!   `json.encode` writes it) or, failing that, with every empty table as `{}` (as the
//!   original takes it).
//! - Valid: `true`. Anything else: `false, err`, kind `INVALID`, not retryable: a missing
//!   schema or data ("schema is required", "data is required", "data must be a JSON
//!   string"), a schema that is not a table or text, does not parse or does not compile,
//!   data that cannot be encoded or parsed, and data the schema rejects ("validation
//!   failed" in front of what the schema says, instance path first).
//!
//! Compiled schemas are kept in a small process-wide cache keyed by their JSON text, as
//! the original keeps them; schemas are usually module constants validated against many
//! times. The cache outlives the processes that filled it, so it is bounded by bytes as
//! well as by count: each entry is taken to cost [`ENTRY_COST_FACTOR`] times its text
//! (the key, and the parsed schema and strings the compiled validator keeps), the whole
//! cache at most [`CACHE_BYTES`] (and [`CACHE_CAPACITY`] schemas); a schema whose text
//! is over [`MAX_CACHED_TEXT`] is compiled for each call and not kept. When an entry
//! would pass either bound, the cache starts over. No schema is ever fetched: remote
//! `$ref`s are not resolved (the crate's network features are off).

use std::ffi::c_int;
use std::sync::Arc;

use parking_lot::Mutex;
use rustc_hash::FxHashMap;
use wippy_runtime::payload::{ErrorKind, ErrorValue};

use crate::modules::errors::{fail_false, push_nil_error, with_traceback};
use crate::modules::json;
use crate::value::to_payload_strict;
use crate::vm::lua::{LResult, LUA_TNIL, LUA_TNONE, LUA_TSTRING, LUA_TTABLE, Lua};

/// Compiled schemas the cache keeps before it starts over.
const CACHE_CAPACITY: usize = 100;

/// The most memory the cache holds, as estimated by [`entry_cost`].
const CACHE_BYTES: usize = 16 << 20;

/// What a cached schema is taken to cost per byte of its JSON text: the text itself
/// (the key), the parsed schema the validator keeps, and its compiled form (measured:
/// about twice its text for a schema made of one long string; a schema of many small
/// keywords compiles to more per byte).
const ENTRY_COST_FACTOR: usize = 4;

/// Schemas with longer texts are not cached (a sixteenth of the cache each at most).
const MAX_CACHED_TEXT: usize = CACHE_BYTES / ENTRY_COST_FACTOR / 16;

/// Most schema complaints reported in one error.
const MAX_REPORTED: usize = 5;

/// Compiled schemas by their JSON text, and the estimated bytes they hold.
static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

#[derive(Default)]
struct Cache {
    validators: FxHashMap<Vec<u8>, Arc<jsonschema::Validator>>,
    /// The sum of [`entry_cost`] over the entries.
    bytes: usize,
}

/// The estimated memory a cached schema of JSON text `text` holds.
fn entry_cost(text: &[u8]) -> usize {
    text.len().saturating_mul(ENTRY_COST_FACTOR)
}

/// `json.validate(schema, data)`.
pub(crate) fn validate(lua: Lua) -> LResult<c_int> {
    if is_absent(lua, 1) {
        return refuse(lua, None, "schema is required");
    }
    if is_absent(lua, 2) {
        return refuse(lua, None, "data is required");
    }
    let validator = match validator(lua) {
        Ok(v) => v,
        Err((context, message)) => return refuse(lua, Some(context), &message),
    };
    let data = match to_payload_strict(lua, 2)
        .map_err(|e| e.to_error_value())
        .and_then(|p| json::encode(&p))
        .map_err(|e| e.message().to_owned())
        .and_then(|text| serde_json::from_slice(&text).map_err(|e| e.to_string()))
    {
        Ok(data) => data,
        Err(message) => return refuse(lua, Some("convert data"), &message),
    };
    let complaints = complaints_of(&validator, &data);
    if !complaints.is_empty() {
        // A Lua table that is empty is as much `{}` as `[]`: the original takes it for an
        // object, `json.encode` for an array. Valid either way is valid.
        let mut as_objects = data;
        if empty_arrays_as_objects(&mut as_objects)
            && complaints_of(&validator, &as_objects).is_empty()
        {
            lua.push_bool(true);
            return Ok(1);
        }
    }
    verdict(lua, complaints)
}

/// Turns every empty array in `value` into an empty object; whether there was one.
fn empty_arrays_as_objects(value: &mut serde_json::Value) -> bool {
    match value {
        serde_json::Value::Array(items) if items.is_empty() => {
            *value = serde_json::Value::Object(serde_json::Map::new());
            true
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .fold(false, |found, v| empty_arrays_as_objects(v) | found),
        serde_json::Value::Object(fields) => fields
            .values_mut()
            .fold(false, |found, v| empty_arrays_as_objects(v) | found),
        _ => false,
    }
}

/// `json.validate_string(schema, text)`.
pub(crate) fn validate_string(lua: Lua) -> LResult<c_int> {
    if is_absent(lua, 1) {
        return refuse(lua, None, "schema is required");
    }
    if lua.kind(2) != LUA_TSTRING {
        return refuse(lua, None, "data must be a JSON string");
    }
    let validator = match validator(lua) {
        Ok(v) => v,
        Err((context, message)) => return refuse(lua, Some(context), &message),
    };
    let data = match serde_json::from_slice(lua.bytes(2).unwrap_or_default()) {
        Ok(data) => data,
        Err(e) => return refuse(lua, Some("parse data"), &e.to_string()),
    };
    verdict(lua, complaints_of(&validator, &data))
}

fn is_absent(lua: Lua, idx: c_int) -> bool {
    matches!(lua.kind(idx), LUA_TNIL | LUA_TNONE)
}

/// What the schema says about `data` (at most [`MAX_REPORTED`] complaints); empty when
/// it is valid.
fn complaints_of(validator: &jsonschema::Validator, data: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(data)
        .take(MAX_REPORTED)
        .map(|e| {
            let path = e.instance_path().to_string();
            if path.is_empty() {
                e.to_string()
            } else {
                format!("{path}: {e}")
            }
        })
        .collect()
}

/// `true` when there is nothing to complain about, or `false, err` with the complaints.
fn verdict(lua: Lua, complaints: Vec<String>) -> LResult<c_int> {
    if complaints.is_empty() {
        lua.push_bool(true);
        return Ok(1);
    }
    refuse(lua, Some("validation failed"), &complaints.join("; "))
}

/// The compiled schema of argument 1, from the cache or compiled now; on failure the
/// context and the message of the error.
fn validator(lua: Lua) -> Result<Arc<jsonschema::Validator>, (&'static str, String)> {
    let text = match lua.kind(1) {
        LUA_TSTRING => lua.bytes(1).unwrap_or_default().to_vec(),
        LUA_TTABLE => to_payload_strict(lua, 1)
            .map_err(|e| e.to_error_value())
            .and_then(|p| json::encode(&p))
            .map_err(|e| ("schema error", e.message().to_owned()))?,
        _ => {
            return Err((
                "schema error",
                "schema must be a string or table".to_owned(),
            ));
        }
    };
    let cacheable = text.len() <= MAX_CACHED_TEXT;
    if cacheable && let Some(found) = CACHE.lock().as_ref().and_then(|c| c.validators.get(&text)) {
        return Ok(found.clone());
    }
    let schema: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| ("schema error", e.to_string()))?;
    let compiled = Arc::new(
        jsonschema::validator_for(&schema).map_err(|e| ("compile schema", e.to_string()))?,
    );
    if cacheable {
        let cost = entry_cost(&text);
        let mut cache = CACHE.lock();
        let cache = cache.get_or_insert_with(Cache::default);
        if !cache.validators.contains_key(&text) {
            if cache.validators.len() >= CACHE_CAPACITY || cache.bytes + cost > CACHE_BYTES {
                *cache = Cache::default();
            }
            cache.bytes += cost;
            cache.validators.insert(text, compiled.clone());
        }
    }
    Ok(compiled)
}

/// `false, err`: kind `INVALID`, not retryable, `context` (if any) kept apart from the
/// message as `errors.wrap` keeps it.
fn refuse(lua: Lua, context: Option<&str>, message: &str) -> LResult<c_int> {
    let Some(context) = context else {
        return fail_false(lua, ErrorKind::Invalid, message);
    };
    lua.set_top(0);
    lua.ensure(6)?;
    lua.push_bool(false);
    let e = ErrorValue::new(ErrorKind::Invalid, message)
        .with_retryable(false)
        .wrapped(context);
    push_nil_error(lua, with_traceback(lua, e));
    lua.remove(-2);
    Ok(2)
}
