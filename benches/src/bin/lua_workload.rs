//! Runs one Lua benchmark workload a given number of times and exits: a steady target
//! for `perf` and for instruction counts under `valgrind --tool=callgrind`, which, unlike
//! wall time on a shared machine, repeat exactly from run to run.
//!
//! ```text
//! cargo run --release -p wippy-benches --bin lua_workload -- ping 10000
//! ```
//!
//! Workloads: `ping N` (N round trips), `xping N` (the same with the ponger on a
//! second host, so that each message crosses between two schedulers), `spawn N` (N spawn+exit), `swarm N` (N idle
//! processes left blocked in receive), `echo N K` (N echoes
//! from K clients), `part NAME N` (N turns of one part of an echo, in one process: see
//! `parts.lua` in `src/lib.rs` and `tools/echo_parts.sh`). Prints the wall time of the run, the CPU time all threads used
//! meanwhile (in per cent of one core), and how many processes started in a reused VM
//! and a reused thread (`wippy_lua::reused_vms`, `reused_threads`). With
//! `WIPPY_BENCH_REPEAT=K` the workload runs K times in the same runtime, one line each
//! (as the criterion benches run their batches: the first run also compiles the
//! entries and builds the VMs the later ones reuse).
#![allow(missing_docs)]

use std::time::Duration;
use wippy_runtime::payload::Payload;

#[global_allocator]
static GLOBAL: wippy_lua::rust_alloc::MiMalloc = wippy_lua::rust_alloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: i64| -> i64 {
        args.get(i)
            .map_or(default, |s| s.parse().expect("a whole number"))
    };
    let (entry, payloads) = match args.first().map(String::as_str) {
        Some("ping") => ("b:ping", vec![Payload::Int(number(1, 10_000))]),
        // The ponger on a second host: every message crosses between two schedulers.
        Some("xping") => (
            "b:ping",
            vec![Payload::Int(number(1, 10_000)), Payload::from("b:procs2")],
        ),
        Some("spawn") => ("b:spawner", vec![Payload::Int(number(1, 10_000))]),
        Some("swarm") => ("b:swarm", vec![Payload::Int(number(1, 10_000))]),
        Some("part") => (
            "b:parts",
            vec![
                Payload::from(args.get(1).map_or("", String::as_str)),
                Payload::Int(number(2, 10_000)),
            ],
        ),
        Some("echo") => (
            "b:clients",
            vec![Payload::Int(number(1, 10_000)), Payload::Int(number(2, 1))],
        ),
        _ => {
            eprintln!("usage: lua_workload ping|xping|spawn|swarm N | echo N K | part NAME N");
            std::process::exit(2);
        }
    };
    let runtime = wippy_benches::runtime();
    if entry == "b:clients" {
        let _relay = wippy_benches::start_relay(&runtime);
    }
    let repeat: u32 = std::env::var("WIPPY_BENCH_REPEAT").ok().map_or(1, |s| {
        s.parse().expect("WIPPY_BENCH_REPEAT: a whole number")
    });
    for _ in 0..repeat {
        let cpu_before = cpu_seconds();
        let (vms_before, threads_before) = (wippy_lua::reused_vms(), wippy_lua::reused_threads());
        let took = wippy_benches::run(&runtime, entry, payloads.clone());
        let cpu = cpu_seconds() - cpu_before;
        println!(
            "{entry}: {:.3} ms, {:.0} % CPU, {} VMs and {} threads reused",
            took.as_secs_f64() * 1e3,
            cpu / took.as_secs_f64() * 100.0,
            wippy_lua::reused_vms() - vms_before,
            wippy_lua::reused_threads() - threads_before,
        );
    }
    runtime.shutdown(Duration::from_secs(1));
}

/// User and system CPU time of the whole process so far, in seconds (Linux:
/// `/proc/self/stat`, in clock ticks of 1/100 s; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which may hold spaces) in parentheses.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: f64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}
