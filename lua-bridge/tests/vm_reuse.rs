//! Finished process VMs are reused (`vm/pool.rs`), and reuse is invisible to scripts.
//!
//! Its own test binary, so that the process-wide reuse counter counts this test only.
//! The behaviour itself is checked from Lua by `tests/lua/sandbox/recycled_vm_is_pristine.lua`
//! (also run by `lua_programs`); this test runs that program and asserts that VMs were
//! in fact reused while it ran, so the program cannot pass by never meeting a reused VM,
//! that most of them started the worker from the chunk they kept (`vm/chunks.rs`) and
//! in the thread the last worker's `main` returned from (`vm/spare_thread.rs`), and that
//! the thread of a `main` that failed is never used again.

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
  - {name: failing_worker, kind: process.lua, source: file://failing.lua, method: main}
"#;

/// Runs `entry` to its end and returns its outcome.
fn run(runtime: &Runtime, entry: &str) -> Option<Outcome> {
    let waiter = ExitWaiter::new();
    runtime
        .spawn(SpawnSpec::new(entry, "test:processes").waiter(waiter.clone()))
        .unwrap();
    waiter.wait_timeout(Duration::from_secs(20))
}

fn start(dir: &Path) -> Runtime {
    let runtime = Runtime::new(Registry::load_dir(dir).unwrap());
    wippy_lua::install(&runtime, wippy_lua::LuaOptions::default());
    runtime.start().unwrap();
    runtime
}

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
    std::fs::write(
        dir.join("failing.lua"),
        "local function main() error(\"this worker fails\") end\nreturn { main = main }\n",
    )
    .unwrap();

    let runtime = start(&dir);
    let before = wippy_lua::reused_vms();
    let chunks_before = wippy_lua::reused_chunks();
    let threads_before = wippy_lua::reused_threads();
    let kept_before = wippy_lua::kept_globals();
    let outcome = run(&runtime, "test:recycled_vm_is_pristine");
    let kept_globals = wippy_lua::kept_globals() - kept_before;
    let reused = wippy_lua::reused_vms() - before;
    let reused_chunks = wippy_lua::reused_chunks() - chunks_before;
    let reused_threads = wippy_lua::reused_threads() - threads_before;
    runtime.shutdown(Duration::from_millis(500));

    // A new runtime (new worker threads, empty pools) running only failing workers, one
    // after another: their VMs are reused, their threads never.
    let runtime = start(&dir);
    let before_failing = wippy_lua::reused_vms();
    let threads_before_failing = wippy_lua::reused_threads();
    for round in 0..20 {
        match run(&runtime, "test:failing_worker") {
            Some(Outcome::Error(e)) => assert!(e.message().contains("this worker fails"), "{e}"),
            other => panic!("failing worker, round {round}: {other:?}"),
        }
    }
    let reused_after_failing = wippy_lua::reused_vms() - before_failing;
    let threads_after_failing = wippy_lua::reused_threads() - threads_before_failing;
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
    // Every worker's `main` returns, so a reused VM starts the next one in its thread.
    assert!(
        reused_threads >= 10,
        "only {reused_threads} of {reused} reused VMs started main in their spare thread"
    );
    // Every eighth worker leaves `process` and `string` as handed out, and one in four
    // leaves the `string` view alone: the next worker in that VM gets them.
    assert!(
        kept_globals >= 3,
        "only {kept_globals} `process` or `string` tables were kept for a next worker"
    );
    assert!(
        reused_after_failing >= 10,
        "only {reused_after_failing} of 20 failing workers' VMs were reused"
    );
    assert_eq!(
        threads_after_failing, 0,
        "a failed main's thread was used again"
    );
}
