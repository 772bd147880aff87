//! The process-wide cache of compiled JSON schemas (`json.validate`) holds a bounded
//! amount of memory, however large the schemas a process validates against.
//!
//! The cache outlives the processes that fill it. It kept 100 schemas whatever their
//! size: a process that validated against 100 distinct 16 MB schemas left some 3.5 GB
//! behind after it ended. It is now bounded by an estimate of its bytes, and schemas
//! with long texts are not kept (`modules/json_schema.rs`).
//!
//! Its own test binary, so that a counting global allocator sees this test only.

use std::path::Path;
use std::time::Duration;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;
use wippy_runtime::process::ExitWaiter;
use wippy_runtime::registry::Registry;
use wippy_runtime::{Runtime, SpawnSpec};

mod counting_alloc;

#[global_allocator]
static GLOBAL: counting_alloc::Counting = counting_alloc::Counting;

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

fn run(runtime: &Runtime, n: i64, size: i64, salt: i64) {
    let waiter = ExitWaiter::new();
    runtime
        .spawn(
            SpawnSpec::new("test:validator", "test:processes")
                .args(vec![
                    Payload::Int(n),
                    Payload::Int(size),
                    Payload::Int(salt),
                ])
                .waiter(waiter.clone()),
        )
        .unwrap();
    let outcome = waiter.wait_timeout(Duration::from_secs(120));
    assert!(
        matches!(outcome, Some(Outcome::Normal(Payload::Bool(true)))),
        "{outcome:?}"
    );
}

#[test]
fn the_schema_cache_keeps_a_bounded_size() {
    let dir = std::env::temp_dir().join(format!("wippy-schema-cache-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("_index.yaml"), REGISTRY).unwrap();
    std::fs::write(dir.join("validator.lua"), VALIDATOR).unwrap();
    let runtime = Runtime::new(Registry::load_dir(Path::new(&dir)).unwrap());
    wippy_lua::install(&runtime, wippy_lua::LuaOptions::default());
    runtime.start().unwrap();

    // One small schema first, so that what the first run keeps for good (compiled
    // chunks, pools, the cache's table) is counted before the measured runs.
    run(&runtime, 1, 10, 0);
    let before = counting_alloc::live();
    // Schemas of 200 KB (each cached now) and of 1 MB (each too long to be now): the
    // old cache kept all 90, some 120 MB.
    run(&runtime, 60, 200 * 1024, 1000);
    run(&runtime, 30, 1024 * 1024, 2000);
    let grown = counting_alloc::live().saturating_sub(before);
    assert!(
        grown < 24 * 1024 * 1024,
        "{grown} bytes of Rust allocations stayed after validating against 90 large schemas"
    );
    runtime.shutdown(Duration::from_secs(5));
    let _ = std::fs::remove_dir_all(&dir);
}
