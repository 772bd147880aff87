//! A memory error while a binding pushes a value it decoded leaks nothing of ours.
//!
//! `json.decode`, `yaml.decode` and `p:data()` own the value they decoded (a
//! [`Payload`]) while they build its Lua tables, and `json.encode` its text while it
//! makes the Lua string. A table or string past the process's memory limit raised Lua's
//! memory error there, which jumped over the Rust frames: the value was never dropped,
//! and a script that caught the error and tried again grew the program by its size each
//! time, for good (the probe that found it: an 8 MB JSON text, some 100 MB per failed
//! call). The value is now built in a protected call when it may not fit
//! (`value::push_payload`, `Lua::try_push_bytes`), and the error raised again once the
//! binding has dropped what it owned.
//!
//! Its own test binary, so that a counting global allocator sees this test only. The
//! VMs allocate through mimalloc directly (`vm/alloc.rs`), so the count is of Rust's
//! allocations, where the leak was.

use leak_test::App;
use std::time::Duration;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;

mod leak_test;

#[global_allocator]
static GLOBAL: leak_test::Counting = leak_test::Counting;

/// The process memory limit of this test: small, so that a modest text overflows it.
const LIMIT: usize = 8 * 1024 * 1024;

const REGISTRY: &str = r#"
version: "1.0"
namespace: test
entries:
  - {name: processes, kind: process.host, host: {workers: 1}, lifecycle: {auto_start: true}}
  - {name: decoder, kind: process.lua, source: file://decoder.lua, method: main, modules: [json, yaml]}
"#;

/// Decodes, `rounds` times each, a JSON text and a YAML text whose values need more
/// than the 8 MB limit as Lua tables (half a million numbers: 8 MB of array alone;
/// 190 000 empty objects, each a table of its own, under the YAML decoder's limit), and
/// reads a message (sent to itself) whose value does not fit either (2500 distinct 1 KB
/// strings: 2.5 MB of payload, charged to the process as it receives the message, and
/// 2.5 MB more as Lua strings, over the 4.5 MB the texts and the strings hold), and
/// encodes those strings (15 MB of JSON text, each `<` written as `\u003c`, where the
/// encoder's count before building it gives 2.5 MB); checks that each failed with the
/// memory error and that the process goes on (a small decode still works).
const DECODER: &str = r#"
local json = require("json")
local yaml = require("yaml")
local function expect_memory_error(what, ok, err, ...)
  if ok or not tostring(err):find("not enough memory", 1, true) then
    error(what .. ": expected a memory error, got " .. tostring(ok) .. " " .. tostring(err):sub(1, 200) .. " " .. tostring(select(3, ok, err, ...)))
  end
end
-- In a function of its own, so that the payload is garbage once it returns (the next
-- round's message, charged as it is received, fits only without this one).
local function read_lines(inbox)
  local p = inbox:receive():payload()
  expect_memory_error("payload:data", pcall(p.data, p))
end
local function main(rounds)
  local n = 500000
  local text = "[" .. string.rep("1,", n) .. "1]"
  local doc = string.rep("- {}\n", 190000)
  -- Distinct strings: one string held many times is copied (and encoded) once.
  local line = string.rep("<", 1024)
  local lines = {}
  for i = 1, 2500 do lines[i] = line .. i end
  local half = lines
  local inbox = process.inbox()
  for _ = 1, rounds do
    expect_memory_error("json.decode", pcall(json.decode, text))
    expect_memory_error("yaml.decode", pcall(yaml.decode, doc))
    process.send(process.pid(), "lines", half)
    read_lines(inbox)
    expect_memory_error("json.encode", pcall(json.encode, lines))
  end
  local small = json.decode('{"a": [1, 2, 3]}')
  return small.a[3] == 3
end
return { main = main }
"#;

fn run(app: &App, rounds: i64) -> Option<Outcome> {
    app.run(
        "test:decoder",
        "test:processes",
        vec![Payload::Int(rounds)],
        Duration::from_secs(120),
    )
}

#[test]
fn a_memory_error_while_pushing_a_decoded_value_leaks_nothing() {
    let app = App::start(
        "wippy-memory-leak",
        &[("_index.yaml", REGISTRY), ("decoder.lua", DECODER)],
        wippy_lua::LuaOptions::default().memory_limit(LIMIT),
    );

    // One round first, so that what the first run keeps for good (compiled chunks,
    // pools) is counted before the measured run.
    let first = run(&app, 1);
    assert!(
        matches!(first, Some(Outcome::Normal(Payload::Bool(true)))),
        "{first:?}"
    );
    let before = leak_test::live();
    let rounds = 6;
    let outcome = run(&app, rounds);
    assert!(
        matches!(outcome, Some(Outcome::Normal(Payload::Bool(true)))),
        "{outcome:?}"
    );
    let grown = leak_test::live().saturating_sub(before);
    // Each leaking round kept two decoded values of half a million items, a message of
    // ten thousand 1 KB strings and its JSON text (10 MB or more each): some 300 MB over
    // the run. What may legitimately stay is small.
    assert!(
        grown < 16 * 1024 * 1024,
        "{grown} bytes of Rust allocations stayed after {rounds} rounds of failed decodes"
    );
}
