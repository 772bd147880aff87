//! The process-wide cache of compiled JSON schemas (`json.validate`) holds a bounded
//! amount of memory, however large the schemas a process validates against.
//!
//! The cache outlives the processes that fill it. It kept 100 schemas whatever their
//! size: a process that validated against 100 distinct 16 MB schemas left some 3.5 GB
//! behind after it ended. It is now bounded by an estimate of its bytes, and schemas
//! with long texts are not kept (`modules/json_schema.rs`).
//!
//! Its own test binary, so that a counting global allocator sees this test only.

use leak_test::App;
use std::time::Duration;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;

mod leak_test;

#[global_allocator]
static GLOBAL: leak_test::Counting = leak_test::Counting;

const REGISTRY: &str = r#"
version: "1.0"
namespace: test
entries:
  - {name: processes, kind: process.host, host: {workers: 1}, lifecycle: {auto_start: true}}
  - {name: validator, kind: process.lua, source: file://validator.lua, method: main, modules: [json]}
"#;

/// Validates a number against `n` distinct schemas of `size` bytes of text each (a long
/// description and a minimum that differs), and checks each verdict.
const VALIDATOR: &str = r#"
local json = require("json")
local function main(n, size, salt)
  local filler = string.rep("d", size)
  for i = 1, n do
    local schema = '{"description":"' .. filler .. '","minimum":' .. (salt + i) .. '}'
    local ok, err = json.validate_string(schema, tostring(salt + i))
    if not ok then return false, "valid: " .. tostring(err) end
    ok = json.validate_string(schema, tostring(salt + i - 1))
    if ok then return false, "invalid number accepted" end
  end
  return true
end
return { main = main }
"#;

fn run(app: &App, n: i64, size: i64, salt: i64) {
    let outcome = app.run(
        "test:validator",
        "test:processes",
        vec![Payload::Int(n), Payload::Int(size), Payload::Int(salt)],
        Duration::from_secs(120),
    );
    assert!(
        matches!(outcome, Some(Outcome::Normal(Payload::Bool(true)))),
        "{outcome:?}"
    );
}

#[test]
fn the_schema_cache_keeps_a_bounded_size() {
    let app = App::start(
        "wippy-schema-cache",
        &[("_index.yaml", REGISTRY), ("validator.lua", VALIDATOR)],
        wippy_lua::LuaOptions::default(),
    );

    // One small schema first, so that what the first run keeps for good (compiled
    // chunks, pools, the cache's table) is counted before the measured runs.
    run(&app, 1, 10, 0);
    let before = leak_test::live();
    // Schemas of 200 KB (each cached now) and of 1 MB (each too long to be now): the
    // old cache kept all 90, some 120 MB.
    run(&app, 60, 200 * 1024, 1000);
    run(&app, 30, 1024 * 1024, 2000);
    let grown = leak_test::live().saturating_sub(before);
    assert!(
        grown < 24 * 1024 * 1024,
        "{grown} bytes of Rust allocations stayed after validating against 90 large schemas"
    );
}
