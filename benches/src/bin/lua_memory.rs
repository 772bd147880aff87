//! Prints the resident memory per idle Lua process — the tutorial worker's shape, a
//! process blocked in `inbox:receive()` — at 10 000 and 100 000 live processes, then how
//! resident memory moves over a long run of echoes (nothing stays alive between them,
//! so it should not grow).
//!
//! Rust's allocations come from mimalloc, as in the `wippy` binary.
//!
//! `cargo run --release -p wippy-benches --bin lua_memory [LIVE]`: with `LIVE` (say
//! `1000000`), the swarm then grows on to that many live processes, and the resident
//! memory of the whole program at that point is printed too.

use std::time::Duration;
use wippy_runtime::payload::Payload;

#[global_allocator]
static GLOBAL: wippy_lua::rust_alloc::MiMalloc = wippy_lua::rust_alloc::MiMalloc;

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
    let mut targets = vec![10_000_u64, 100_000];
    if let Some(arg) = std::env::args().nth(1) {
        match arg.parse::<u64>() {
            Ok(extra) if extra > 100_000 => targets.push(extra),
            _ => {
                eprintln!("usage: lua_memory [LIVE], LIVE a whole number above 100000");
                std::process::exit(2);
            }
        }
    }
    for target in targets {
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
    println!(
        "live processes: {}, {:.2} GB RSS in all",
        runtime.live_processes(),
        rss_bytes() as f64 / (1u64 << 30) as f64
    );
    runtime.shutdown(Duration::from_secs(5));
    echo_growth();
}

/// Resident memory after 100 000 echoes (one client, the relay, a worker per echo), after
/// 300 000 more and after 300 000 more again; the growth per echo is taken over the last
/// 300 000. (The first figure can still hold pages the swarm's runtime freed and the
/// allocator has not yet given back to the system: mimalloc returns them after a delay.)
fn echo_growth() {
    let runtime = wippy_benches::runtime();
    let _relay = wippy_benches::start_relay(&runtime);
    let echoes = |n: i64| {
        wippy_benches::run(
            &runtime,
            "b:clients",
            vec![Payload::Int(n), Payload::Int(1)],
        );
    };
    echoes(100_000);
    let first = rss_bytes();
    echoes(300_000);
    let before = rss_bytes();
    echoes(300_000);
    let after = rss_bytes();
    let mb = |bytes: u64| bytes as f64 / 1048576.0;
    println!(
        "echo: {:.1} MB RSS after 100000 echoes, {:.1} MB after 300000 more, {:.1} MB after 300000 more again ({:+.1} bytes per echo over the last 300000)",
        mb(first),
        mb(before),
        mb(after),
        (after as f64 - before as f64) / 300_000.0
    );
    runtime.shutdown(Duration::from_secs(5));
}
