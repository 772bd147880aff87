//! Prints the resident memory per idle Lua process — the tutorial worker's shape, a
//! process blocked in `inbox:receive()` — at 10 000 and 100 000 live processes.
//!
//! `cargo run --release -p wippy-benches --bin lua_memory`

use std::time::Duration;
use wippy_runtime::payload::Payload;

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn main() {
    let runtime = wippy_benches::runtime();
    // Warm up: compile the entries and let the allocator settle.
    let warm = 1_000_u64;
    wippy_benches::run(&runtime, "b:swarm", vec![Payload::Int(warm as i64)]);
    let mut live = warm;
    for target in [10_000_u64, 100_000] {
        let added = target - (live - warm);
        let before = rss_bytes();
        let took = wippy_benches::run(&runtime, "b:swarm", vec![Payload::Int(added as i64)]);
        let after = rss_bytes();
        live += added;
        println!(
            "{target:>7} idle Lua processes: {:.1} KB RSS each ({added} added in {took:.2?}: {:.0} spawn+first-run/s)",
            (after.saturating_sub(before)) as f64 / added as f64 / 1024.0,
            added as f64 / took.as_secs_f64()
        );
    }
    println!("live processes: {}", runtime.live_processes());
    runtime.shutdown(Duration::from_secs(5));
}
