//! A `__tostring` that raises inside `print` or `io.write` leaks nothing of ours.
//!
//! Both turn their arguments to text through `luaL_tolstring`, and an error it raises
//! jumps over the Rust frames of the call: a buffer or a list of texts those frames
//! owned was never dropped (every failed call kept its texts for good: 16 MB each in
//! the probe that found it). The arguments are now turned to text before anything is
//! owned (`Lua::tostring_args_in_place`).
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

const REGISTRY: &str = r#"
version: "1.0"
namespace: test
entries:
  - {name: processes, kind: process.host, host: {workers: 1}, lifecycle: {auto_start: true}}
  - {name: terminal, kind: terminal.host, lifecycle: {auto_start: true}}
  - {name: leaker, kind: process.lua, source: file://leaker.lua, method: main, modules: [io]}
"#;

/// Fails `print` (and `io.write` when `io` is there: on the terminal host) `rounds`
/// times with a 1 MB text before an argument whose `__tostring` raises, checks that
/// each raised that error, and that a `__tostring` returning text still works.
const LEAKER: &str = r#"
local function main(rounds)
  local big = string.rep("x", 1024 * 1024)
  local bad = setmetatable({}, { __tostring = function() error("no text for you") end })
  local good = setmetatable({}, { __tostring = function() return "" end })
  for _ = 1, rounds do
    local ok, err = pcall(print, big, bad)
    if ok or not tostring(err):find("no text for you", 1, true) then
      return false, "print: " .. tostring(err)
    end
    ok, err = pcall(io.write, big, bad)
    if ok or not tostring(err):find("no text for you", 1, true) then
      return false, "io.write: " .. tostring(err)
    end
  end
  print("", good)
  return true
end
return { main = main }
"#;

fn run(app: &App, rounds: i64) -> Option<Outcome> {
    app.run(
        "test:leaker",
        "test:terminal",
        vec![Payload::Int(rounds)],
        Duration::from_secs(60),
    )
}

#[test]
fn a_raising_tostring_in_print_or_io_write_leaks_nothing() {
    let app = App::start(
        "wippy-tostring-leak",
        &[("_index.yaml", REGISTRY), ("leaker.lua", LEAKER)],
        wippy_lua::LuaOptions::default(),
    );

    // One round first, so that what the first run keeps for good (compiled chunks,
    // pools) is counted before the measured run.
    let first = run(&app, 1);
    assert!(matches!(first, Some(Outcome::Normal(_))), "{first:?}");
    let before = leak_test::live();
    let rounds = 64;
    let outcome = run(&app, rounds);
    assert!(matches!(outcome, Some(Outcome::Normal(_))), "{outcome:?}");
    let grown = leak_test::live().saturating_sub(before);
    // Each leaking round kept at least 2 MB (the text in `print`'s list and in
    // `io.write`'s buffer): 128 MB over the run. What may legitimately stay is small.
    assert!(
        grown < 16 * 1024 * 1024,
        "{grown} bytes of Rust allocations stayed after {rounds} failed print/io.write calls"
    );
}
