//! Rust memory a process holds counts against its memory limit, is released when the
//! Rust value goes, and garbage holding it is collected at its real size.
//!
//! The bindings keep some of a process's data in Rust (a channel's buffered values, the
//! values of error, payload and logger userdata, listen topics, registered names),
//! which Lua's allocator never sees. Each is now charged to the VM's heap
//! (`vm/alloc.rs`): past the limit the process gets Lua's memory error, and a charge
//! also drives Lua's collector, so that payloads made and dropped in a loop are
//! collected at the pace of their bytes rather than of their few dozen Lua bytes.
//!
//! Its own test binary, so that a counting global allocator sees this test only. The
//! VMs allocate through mimalloc directly (`vm/alloc.rs`), so the count is of Rust's
//! allocations: the payloads' bytes, not Lua's.

use leak_test::App;
use std::time::Duration;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;

mod leak_test;

#[global_allocator]
static GLOBAL: leak_test::Counting = leak_test::Counting;

/// The process memory limit of these tests.
const LIMIT: usize = 16 * 1024 * 1024;

const REGISTRY: &str = r#"
version: "1.0"
namespace: test
entries:
  - {name: processes, kind: process.host, host: {workers: 1}, lifecycle: {auto_start: true}}
  - {name: hog, kind: process.lua, source: file://hog.lua, method: main, modules: [logger]}
"#;

/// `main(kind, parent)`: `unread` sends itself 8 messages of 1 MB and returns without
/// receiving them; `terminated_unread` spawns a process that does the same and then
/// waits (`unread_then_wait`), and terminates it; for `garbage`, makes 150 payloads of
/// 2 MB and drops each (300 MB in all, under a 16 MiB limit) and returns `true`; `received_garbage` the same with 150
/// messages of 2 MB it sends itself and receives; `channel_garbage` fills and drops six
/// channels, each of which fits the limit alone. For the other kinds, keeps Rust memory
/// of that kind until the memory error (which it catches), then, where the kind allows,
/// drops it and checks that the memory can be had again (the charges were released);
/// returns `true`. `small` makes a small error, payload and logger and returns.
const HOG: &str = r#"
local logger = require("logger")
local MB = 1024 * 1024
local function expect_memory_error(kind, ok, err)
  if ok or not tostring(err):find("not enough memory", 1, true) then
    error(kind .. ": expected a memory error, got " .. tostring(ok) .. " " .. tostring(err))
  end
end
local makers = {
  payload = function(big) return payload.new(big) end,
  errors = function(big) return errors.new(big) end,
  wrap = function(big) return errors.wrap(errors.new("base"), big) end,
  logger = function(big) return logger:with({ f = big }) end,
}
local function main(kind, parent)
  local big = string.rep("x", MB)
  if kind == "garbage" then
    local big2 = big .. big
    for _ = 1, 150 do payload.new(big2) end
    return true
  elseif kind == "channel_garbage" then
    -- Six channels of 100 000 values each (a third of the limit or so), each dropped
    -- for the next: a send whose buffer would not fit frees the dropped ones first.
    for round = 1, 6 do
      local ch = channel.new(1e18)
      for i = 1, 100000 do ch:send(i) end
      if ch:receive() ~= 1 then error("channel_garbage: round " .. round) end
    end
    return true
  elseif kind == "received_garbage" then
    local inbox, me = process.inbox(), process.pid()
    local big2 = big .. big
    for i = 1, 150 do
      process.send(me, "big", { big2 })
      local m = inbox:receive()
      if m:topic() ~= "big" then error("received_garbage: message " .. i) end
    end
    return true
  elseif kind == "received_queued" then
    -- 20 messages of two 1 MB payloads queued first (what waits in the mailbox is not
    -- charged), then received into a table made to size: a receive fails as the
    -- process reaches the limit, with a payload or two of its message not yet made.
    local inbox, me = process.inbox(), process.pid()
    for _ = 1, 20 do process.send(me, "big", { big }, { big }) end
    local keep = {}
    for i = 1, 20 do keep[i] = false end
    expect_memory_error(kind, pcall(function()
      for i = 1, 20 do keep[i] = inbox:receive() end
    end))
    return true
  elseif kind == "unread" then
    -- Messages it never receives: they wait in its mailbox when it returns.
    local me = process.pid()
    for _ = 1, 8 do process.send(me, "big", { big }) end
    return true
  elseif kind == "unread_then_wait" then
    -- The same, then it waits to be terminated (by `terminated_unread`, `parent`).
    local me = process.pid()
    for _ = 1, 8 do process.send(me, "big", { big }) end
    process.send(parent, "ready")
    process.events():receive()
    error("unread_then_wait: not terminated")
  elseif kind == "terminated_unread" then
    local events = process.events()
    local child = process.spawn_monitored("test:hog", "test:processes", "unread_then_wait", process.pid())
    local m = process.inbox():receive()
    if m:topic() ~= "ready" then error(kind .. ": got " .. m:topic()) end
    assert(process.terminate(child))
    local event = events:receive()
    if event.kind ~= process.event.EXIT or event.from ~= child then
      error(kind .. ": expected the child's EXIT")
    end
    return true
  elseif kind == "received" then
    local inbox, me = process.inbox(), process.pid()
    local keep = {}
    expect_memory_error(kind, pcall(function()
      for i = 1, 100 do
        process.send(me, "big", { big })
        keep[i] = inbox:receive()
      end
    end))
    keep = nil
    for i = 1, 8 do
      process.send(me, "big", { big })
      local m = inbox:receive()
      assert(#m:payload():data()[1] == MB, kind .. ": again " .. i)
    end
    return true
  elseif kind == "small" then
    local e = errors.new("small")
    local p = payload.new({ a = 1, b = "two" })
    local l = logger:with({ k = "v" })
    return e ~= nil and p ~= nil and l ~= nil
  elseif makers[kind] then
    local make = makers[kind]
    local keep = {}
    expect_memory_error(kind, pcall(function()
      for i = 1, 100 do keep[i] = make(big) end
    end))
    keep = nil
    -- The charges of the dropped values are released when they are collected, which
    -- the next charge does when it does not fit.
    for i = 1, 8 do assert(make(big), kind .. ": again " .. i) end
    return true
  elseif kind == "register" then
    local count = 0
    expect_memory_error(kind, pcall(function()
      for i = 1, 100 do
        assert(process.registry.register(big .. i))
        count = i
      end
    end))
    for i = 1, count do assert(process.registry.unregister(big .. i)) end
    for i = 1, 8 do assert(process.registry.register(big .. "again" .. i)) end
    return true
  elseif kind == "listen" then
    local keep = {}
    expect_memory_error(kind, pcall(function()
      for i = 1, 100 do keep[i] = process.listen(big .. i) end
    end))
    return true
  elseif kind == "channel" then
    local ch = channel.new(1e18)
    local sent = 0
    expect_memory_error(kind, pcall(function()
      for i = 1, 10000000 do ch:send(i); sent = i end
    end))
    -- What was sent before the error is all there, in order.
    for i = 1, sent do
      local v = ch:receive()
      if v ~= i then error("channel: received " .. tostring(v) .. " for " .. i) end
    end
    return true
  end
  error("unknown kind " .. tostring(kind))
end
return { main = main }
"#;

/// The tests of this binary run one at a time: they measure the program's live Rust
/// allocations, which another test's payloads would add to.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn start(name: &str) -> App {
    App::start(
        name,
        &[("_index.yaml", REGISTRY), ("hog.lua", HOG)],
        wippy_lua::LuaOptions::default().memory_limit(LIMIT),
    )
}

fn run(app: &App, kind: &str) {
    let outcome = app.run(
        "test:hog",
        "test:processes",
        vec![Payload::from(kind)],
        Duration::from_secs(120),
    );
    assert!(
        matches!(outcome, Some(Outcome::Normal(Payload::Bool(true)))),
        "{kind}: {outcome:?}"
    );
}

/// Runs `kind` after a warm-up and returns the most Rust bytes its run had live at once.
fn peak_of(app: &App, kind: &str) -> usize {
    run(app, "small");
    leak_test::reset_peak();
    let before = leak_test::live();
    run(app, kind);
    leak_test::peak().saturating_sub(before)
}

/// Payloads made and dropped in a loop: Lua's collector learns of their bytes, so
/// that what is live at once stays near the limit (without the charge, Lua saw a few
/// dozen bytes per payload and kept all 300 MB of them until the process ended).
#[test]
fn garbage_payloads_are_collected_at_their_size() {
    let _serial = serial();
    let peak = peak_of(&start("wippy-rust-memory-garbage"), "garbage");
    assert!(
        peak < 3 * LIMIT,
        "{peak} bytes of Rust allocations were live at once for 2 MB payloads made and dropped under a {LIMIT}-byte limit"
    );
}

/// The same for messages received and dropped: their payloads' bytes are charged when
/// the message object is made, which drives the collector too (without it, the 300 MB
/// of dropped messages stayed until the process ended).
#[test]
fn garbage_messages_are_collected_at_their_size() {
    let _serial = serial();
    let peak = peak_of(
        &start("wippy-rust-memory-received-garbage"),
        "received_garbage",
    );
    assert!(
        peak < 3 * LIMIT,
        "{peak} bytes of Rust allocations were live at once for 2 MB messages received and dropped under a {LIMIT}-byte limit"
    );
}

/// Each kind of Rust memory fails at the limit, with a memory error the process can
/// catch; what was charged is released with its value (so the memory can be had
/// again), nothing leaks over rounds, and the VMs reused afterwards start with no
/// charge (debug builds check it when a VM is adopted).
#[test]
fn rust_memory_is_charged_released_and_leaks_nothing() {
    let _serial = serial();
    let app = start("wippy-rust-memory-charged");
    let kinds = [
        "payload",
        "errors",
        "wrap",
        "logger",
        "register",
        "listen",
        "channel",
        "received",
        "channel_garbage",
    ];
    for kind in kinds {
        run(&app, kind);
    }
    let before = leak_test::live();
    let rounds = 3;
    for _ in 0..rounds {
        for kind in kinds {
            run(&app, kind);
        }
    }
    for _ in 0..20 {
        run(&app, "small");
    }
    let grown = leak_test::live().saturating_sub(before);
    assert!(
        grown < 4 * 1024 * 1024,
        "{grown} bytes of Rust allocations stayed after {rounds} rounds"
    );
}

/// Messages received past the limit are dropped with the memory error, not leaked: the
/// receive makes room for the message object and its charge before it builds anything,
/// so that a memory error cannot jump over the frame that owns the message. (Before,
/// the payload of a two-payload message whose object did not fit stayed allocated for
/// good: 12.6 MB after the 12 rounds.)
#[test]
fn messages_received_past_the_limit_leak_nothing() {
    let _serial = serial();
    let app = start("wippy-rust-memory-received-leak");
    run(&app, "received_queued");
    let before = leak_test::live();
    let rounds = 12;
    for _ in 0..rounds {
        run(&app, "received_queued");
    }
    let grown = leak_test::live().saturating_sub(before);
    assert!(
        grown < 4 * 1024 * 1024,
        "{grown} bytes of Rust allocations stayed after {rounds} rounds of messages received past the limit"
    );
}

/// Messages a process never received go when it exits, or when it is terminated. They
/// were left in its mailbox, which went with the process's table record, and the
/// scheduler frees records only once no thread can read them, in batches of many
/// exits: a quiet node kept the 8 MB of each process (about 100 MB after 12 rounds of
/// either kind).
#[test]
fn messages_left_unread_go_with_the_process() {
    let _serial = serial();
    let app = start("wippy-rust-memory-unread");
    run(&app, "unread");
    run(&app, "terminated_unread");
    let before = leak_test::live();
    let rounds = 12;
    for _ in 0..rounds {
        run(&app, "unread");
        run(&app, "terminated_unread");
    }
    let grown = leak_test::live().saturating_sub(before);
    assert!(
        grown < 4 * 1024 * 1024,
        "{grown} bytes of Rust allocations stayed after {rounds} rounds of processes that ended, or were terminated, with unread messages"
    );
}
