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

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;
use wippy_runtime::process::ExitWaiter;
use wippy_runtime::registry::Registry;
use wippy_runtime::{Runtime, SpawnSpec};

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator as it came; the counter only
// follows the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` or `realloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as `GlobalAlloc::realloc` requires, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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

fn run(runtime: &Runtime, rounds: i64) -> Option<Outcome> {
    let waiter = ExitWaiter::new();
    runtime
        .spawn(
            SpawnSpec::new("test:leaker", "test:terminal")
                .args(vec![Payload::Int(rounds)])
                .waiter(waiter.clone()),
        )
        .unwrap();
    waiter.wait_timeout(Duration::from_secs(60))
}

#[test]
fn a_raising_tostring_in_print_or_io_write_leaks_nothing() {
    let dir = std::env::temp_dir().join(format!("wippy-tostring-leak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("_index.yaml"), REGISTRY).unwrap();
    std::fs::write(dir.join("leaker.lua"), LEAKER).unwrap();
    let runtime = Runtime::new(Registry::load_dir(Path::new(&dir)).unwrap());
    wippy_lua::install(&runtime, wippy_lua::LuaOptions::default());
    runtime.start().unwrap();

    // One round first, so that what the first run keeps for good (compiled chunks,
    // pools) is counted before the measured run.
    let first = run(&runtime, 1);
    assert!(matches!(first, Some(Outcome::Normal(_))), "{first:?}");
    let before = LIVE.load(Ordering::Relaxed);
    let rounds = 64;
    let outcome = run(&runtime, rounds);
    assert!(matches!(outcome, Some(Outcome::Normal(_))), "{outcome:?}");
    let grown = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    // Each leaking round kept at least 2 MB (the text in `print`'s list and in
    // `io.write`'s buffer): 128 MB over the run. What may legitimately stay is small.
    assert!(
        grown < 16 * 1024 * 1024,
        "{grown} bytes of Rust allocations stayed after {rounds} failed print/io.write calls"
    );
    runtime.shutdown(Duration::from_secs(5));
    let _ = std::fs::remove_dir_all(&dir);
}
