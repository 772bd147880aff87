//! An error raised inside a binding, by Lua's allocator at the memory limit or by a
//! script's metamethod, jumps over no Rust frame that owns something: a script that
//! catches it and tries again, as often as it likes, grows the program by nothing.
//!
//! Found by session 56's audit of the bindings, each a loop that grew the program for
//! good (by memory no process limit counts):
//! - `t:format(layout)` made its text in Rust, then pushed it with a call that raised
//!   the memory error over it: a 1 MB layout kept 1 MB per failed call (now
//!   `Lua::try_push_bytes`, which returns the error to the binding first);
//! - `events.subscribe` put its subscription on the runtime's event bus, then made the
//!   channel and the handle, either of which could raise: the subscription stayed on the
//!   bus after the process ended, and every later `events.send` of the node went to it
//!   (now made in a protected call, `feed_channel` and `events.rs`);
//! - `require` of a standard library not read yet read it through the globals'
//!   metatable, which a script may have replaced (strict mode): the script's `__index`
//!   raised over `require`'s frame, which kept the module name and two `Arc` counts (now
//!   `require` calls the runtime's own builder, protected);
//! - a `nil, err` failure return (`errors::fail`) built its error with the caller's
//!   traceback, whose string could raise the memory error over the error's message
//!   (found by the `lua_memory_limit` fuzz target; now `Lua::traceback` is protected,
//!   and an error whose traceback does not fit has none);
//! - `coroutine.resume` of a dead coroutine at the limit: `lua_resume` made its refusal
//!   on the dead coroutine, outside any protected call, and the memory error aborted
//!   the whole program (found by the same fuzz target); the refusals are now made
//!   before `lua_resume`, on the running thread, where a memory error is the process's.
//!
//! Its own test binary, so that a counting global allocator sees this test only (see
//! `leak_test`).

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
  - {name: format, kind: process.lua, source: file://format.lua, method: main, modules: [time]}
  - {name: subscribe, kind: process.lua, source: file://subscribe.lua, method: main, modules: [events]}
  - {name: strict, kind: process.lua, source: file://strict.lua, method: main}
  - {name: failure, kind: process.lua, source: file://failure.lua, method: main, modules: [yaml]}
  - {name: dead_resume, kind: process.lua, source: file://dead_resume.lua, method: main}
"#;

/// Fills its memory to within a few bytes of the limit, each try at another distance,
/// from coroutines that die of the memory error, then resumes one of them.
const DEAD_RESUME: &str = r#"
local keep, n = {}, 0
local function fill(size) while true do n = n + 1; keep[n] = string.rep("x", size) end end
local function main()
  local resume, create = coroutine.resume, coroutine.create
  for last = 41, 90 do
    keep, n = {}, 0
    for i = 1, 5000 do keep[i] = false end
    local cos = {}
    for i, size in ipairs({ 65536, 4096, 1000, 200, last }) do cos[i] = create(function() fill(size) end) end
    for i = 1, #cos do resume(cos[i]) end
    resume(cos[1])
  end
  return 0
end
return { main = main }
"#;

/// Fills its memory from deep in a recursion (a traceback longer than lauxlib's buffer
/// on the C stack), then calls `yaml.encode(123)`, a `nil, err` failure return, `rounds`
/// times; returns how many calls failed (either way: `nil, err`, or a memory error).
const FAILURE: &str = r#"
local yaml = require("yaml")
local function main(rounds)
  local failed = 0
  local function deep(n)
    if n > 0 then return deep(n - 1) + 0 end
    local pad = {}
    local x = string.rep("x", 4096)
    while pcall(function() pad[#pad + 1] = x .. #pad end) do end
    for _ = 1, rounds do
      local ok, v, err = pcall(yaml.encode, 123)
      if not ok or (v == nil and err ~= nil) then failed = failed + 1 end
    end
    return 0
  end
  deep(60)
  return failed
end
return { main = main }
"#;

/// Fills its memory, then formats a time with a 1 MB layout `rounds` times, each a
/// memory error (the text does not fit); returns how many failed so.
const FORMAT: &str = r#"
local time = require("time")
local function main(rounds)
  local layout = string.rep("2006-01-02 ", 100000)
  local t = time.now()
  local pad = {}
  local x = string.rep("x", 65536)
  while pcall(function() pad[#pad + 1] = x .. #pad end) do end
  local failed = 0
  for _ = 1, rounds do
    local ok, err = pcall(t.format, t, layout)
    if not ok and tostring(err):find("not enough memory", 1, true) then
      failed = failed + 1
    end
  end
  return failed
end
return { main = main }
"#;

/// Holds registry references (values queued in a channel) and fills its memory up to a
/// little less than the registry's next growth, then calls `events.subscribe` `rounds`
/// times; returns how many calls failed with a memory error.
const SUBSCRIBE: &str = r#"
local events = require("events")
local function main(rounds)
  events.subscribe("warm"):close()
  local ch = channel.new(10000000)
  local pad = {}
  local x = string.rep("x", 65536)
  for _ = 1, 3000 do ch:send({}) end
  while pcall(function() pad[#pad + 1] = x .. #pad end) do end
  pad[#pad] = nil
  while pcall(function() ch:send({}) end) do end
  local failed = 0
  for _ = 1, rounds do
    local ok, err = pcall(events.subscribe, "s")
    if not ok and tostring(err):find("not enough memory", 1, true) then
      failed = failed + 1
    end
  end
  return failed
end
return { main = main }
"#;

/// Replaces the globals' metatable with one that raises for a missing name, then
/// requires a library it has not read yet `rounds` times; returns how many calls
/// returned the library.
const STRICT: &str = r#"
local function main(rounds)
  setmetatable(_G, {__index = function(_, k) error("no global " .. tostring(k)) end})
  local got = 0
  for _ = 1, rounds do
    local ok, lib = pcall(require, "coroutine")
    if ok and type(lib) == "table" and lib.yield then
      got = got + 1
    end
  end
  return got
end
return { main = main }
"#;

fn run(app: &App, entry: &str, rounds: i64) -> i64 {
    let outcome = app.run(
        entry,
        "test:processes",
        vec![Payload::Int(rounds)],
        Duration::from_secs(300),
    );
    match outcome {
        Some(Outcome::Normal(Payload::Int(n))) => n,
        other => panic!("{entry}: {other:?}"),
    }
}

/// Runs `entry` once for warm-up (what a first run keeps for good: compiled chunks,
/// pools), then `rounds` rounds; returns what the measured run returned and the bytes
/// of Rust allocations it left.
fn measure(app: &App, entry: &str, rounds: i64) -> (i64, usize) {
    run(app, entry, 2);
    let before = leak_test::live();
    let result = run(app, entry, rounds);
    (result, leak_test::live().saturating_sub(before))
}

#[test]
fn errors_raised_inside_bindings_leak_nothing() {
    let app = App::start(
        "wippy-raised-errors",
        &[
            ("_index.yaml", REGISTRY),
            ("format.lua", FORMAT),
            ("subscribe.lua", SUBSCRIBE),
            ("strict.lua", STRICT),
            ("failure.lua", FAILURE),
            ("dead_resume.lua", DEAD_RESUME),
        ],
        wippy_lua::LuaOptions::default().memory_limit(4 * 1024 * 1024),
    );

    // 1 MB of text per failed call before.
    let (failed, grown) = measure(&app, "test:format", 40);
    assert_eq!(
        failed, 40,
        "every format past the limit fails with a memory error"
    );
    assert!(
        grown < 4 * 1024 * 1024,
        "{grown} bytes stayed after 40 failed formats"
    );

    // A subscription (its pid, topic and pattern) per failed call before, on the bus
    // for good.
    let (failed, grown) = measure(&app, "test:subscribe", 20000);
    assert!(
        failed > 10000,
        "most subscribes past the limit fail with a memory error ({failed} of 20000)"
    );
    assert!(
        grown < 512 * 1024,
        "{grown} bytes stayed after {failed} failed subscribes"
    );

    // The module name and two `Arc` counts per call before (some 30 bytes).
    let (got, grown) = measure(&app, "test:strict", 100000);
    assert_eq!(
        got, 100000,
        "require finds the library under a strict metatable"
    );
    assert!(
        grown < 512 * 1024,
        "{grown} bytes stayed after 100000 requires under a strict metatable"
    );

    // The message of each failure whose traceback did not fit.
    let (failed, grown) = measure(&app, "test:failure", 20000);
    assert_eq!(failed, 20000, "every call fails");
    assert!(
        grown < 128 * 1024,
        "{grown} bytes stayed after 20000 failure returns at the limit"
    );

    // The program aborted here (SIGABRT, the test binary with it).
    let outcome = app.run(
        "test:dead_resume",
        "test:processes",
        Vec::new(),
        Duration::from_secs(300),
    );
    match outcome {
        Some(Outcome::Normal(_)) => {}
        Some(Outcome::Error(e)) if e.message().contains("memory") => {}
        other => panic!("resuming a dead coroutine at the limit: {other:?}"),
    }
}
