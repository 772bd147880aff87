//! Finished process VMs are reused (`vm/pool.rs`), and reuse is invisible to scripts.
//!
//! Its own test binary, so that the process-wide reuse counter counts this test only.
//! The behaviour itself is checked from Lua by `tests/lua/sandbox/recycled_vm_is_pristine.lua`
//! (also run by `lua_programs`); this test runs that program and asserts that VMs were
//! in fact reused while it ran, so the program cannot pass by never meeting a reused VM,
//! and that most of them started the worker from the chunk they kept (`vm/chunks.rs`).

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
  - {name: recycled_vm_is_pristine, kind: process.lua, source: file://program.lua, method: main, modules: [time, json]}
  - {name: polluter_worker, kind: process.lua, source: file://worker.lua, method: main, modules: [json]}
"#;

#[test]
fn finished_vms_are_reused_and_show_nothing_of_their_last_process() {
    let lua = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lua");
    let dir = std::env::temp_dir().join(format!("wippy-vm-reuse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("_index.yaml"), REGISTRY).unwrap();
    std::fs::copy(
        lua.join("sandbox/recycled_vm_is_pristine.lua"),
        dir.join("program.lua"),
    )
    .unwrap();
    std::fs::copy(
        lua.join("workers/polluter_worker.lua"),
        dir.join("worker.lua"),
    )
    .unwrap();

    let runtime = Runtime::new(Registry::load_dir(&dir).unwrap());
    wippy_lua::install(&runtime, wippy_lua::LuaOptions::default());
    runtime.start().unwrap();
    let before = wippy_lua::reused_vms();
    let chunks_before = wippy_lua::reused_chunks();
    let waiter = ExitWaiter::new();
    runtime
        .spawn(
            SpawnSpec::new("test:recycled_vm_is_pristine", "test:processes").waiter(waiter.clone()),
        )
        .unwrap();
    let outcome = waiter.wait_timeout(Duration::from_secs(20));
    let reused = wippy_lua::reused_vms() - before;
    let reused_chunks = wippy_lua::reused_chunks() - chunks_before;
    runtime.shutdown(Duration::from_millis(500));
    let _ = std::fs::remove_dir_all(&dir);

    match outcome {
        Some(Outcome::Normal(Payload::Bool(true))) => {}
        other => panic!("the program did not pass: {other:?}"),
    }
    // 40 workers ran one after another on 2 workers' pools.
    assert!(reused >= 20, "only {reused} of 40 worker VMs were reused");
    // A reused VM mostly still holds the worker's chunk (weakly: a collection may drop
    // it), and starts the next worker from it.
    assert!(
        reused_chunks >= 10,
        "only {reused_chunks} of {reused} reused VMs started from a kept chunk"
    );
}
