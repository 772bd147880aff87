//! Channels that nothing reaches are freed while their process runs (`vm/sweep.rs`).
//!
//! Its own test binary, so that the process-wide counter of freed channels counts this
//! test only. `tests/lua/channel/unreachable_channels_freed.lua` (also run by
//! `lua_programs`) checks from Lua that every channel still in use survives; this test
//! runs it and asserts that the channels its loop dropped were in fact freed, so the
//! program cannot pass by never sweeping.

use std::path::Path;
use std::time::Duration;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;
use wippy_runtime::process::ExitWaiter;
use wippy_runtime::registry::Registry;
use wippy_runtime::{Runtime, SpawnSpec};

const REGISTRY: &str = r#"
version: "1.0"
namespace: test
entries:
  - {name: processes, kind: process.host, host: {workers: 2}, lifecycle: {auto_start: true}}
  - {name: program, kind: process.lua, source: file://program.lua, method: main, modules: [time]}
"#;

#[test]
fn dropped_channels_and_timeouts_are_freed_while_the_process_runs() {
    let program = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/lua/channel/unreachable_channels_freed.lua");
    let dir = std::env::temp_dir().join(format!("wippy-channel-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("_index.yaml"), REGISTRY).unwrap();
    std::fs::copy(program, dir.join("program.lua")).unwrap();

    let runtime = Runtime::new(Registry::load_dir(&dir).unwrap());
    wippy_lua::install(&runtime, wippy_lua::LuaOptions::default());
    runtime.start().unwrap();
    let before = wippy_lua::freed_channels();
    let waiter = ExitWaiter::new();
    runtime
        .spawn(SpawnSpec::new("test:program", "test:processes").waiter(waiter.clone()))
        .unwrap();
    let outcome = waiter.wait_timeout(Duration::from_secs(20));
    let freed = wippy_lua::freed_channels() - before;
    runtime.shutdown(Duration::from_millis(500));
    let _ = std::fs::remove_dir_all(&dir);

    match outcome {
        Some(Outcome::Normal(Payload::Bool(true))) => {}
        other => panic!("the program did not pass: {other:?}"),
    }
    // The loop dropped 10 000 channels (a plain one and a time.after one per turn); a
    // sweep runs once the table has doubled since the last, so at most a few hundred
    // are still waiting for the next sweep when the program ends.
    assert!(
        freed >= 9_000,
        "only {freed} of the 10 000 dropped channels were freed"
    );
}
