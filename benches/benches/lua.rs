//! Lua process benchmarks: `lua/spawn_exit` (a process spawns monitored no-op processes
//! and collects their EXIT events), `lua/ping_pong` (two processes exchange messages),
//! `lua/echo/{1,100}` (the echo tutorial's relay → spawned worker → reply, without its
//! 100 ms sleep, from 1 and from 100 concurrent clients). One element = one spawn+exit,
//! one round trip, one echo.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::time::Duration;
use wippy_runtime::Dest;
use wippy_runtime::payload::Payload;

/// As the `wippy` binary does.
#[global_allocator]
static GLOBAL: wippy_lua::rust_alloc::MiMalloc = wippy_lua::rust_alloc::MiMalloc;

const BATCH: u64 = 10_000;

fn lua(c: &mut Criterion) {
    let runtime = wippy_benches::runtime();
    let mut group = c.benchmark_group("lua");
    group.throughput(Throughput::Elements(BATCH));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("spawn_exit", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    wippy_benches::run(&runtime, "b:spawner", vec![Payload::Int(BATCH as i64)])
                })
                .sum()
        })
    });
    group.bench_function("ping_pong", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| wippy_benches::run(&runtime, "b:ping", vec![Payload::Int(BATCH as i64)]))
                .sum()
        })
    });
    let relay = wippy_benches::start_relay(&runtime);
    for clients in [1_i64, 100] {
        group.bench_function(format!("echo/{clients}"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        wippy_benches::run(
                            &runtime,
                            "b:clients",
                            vec![Payload::Int(BATCH as i64), Payload::Int(clients)],
                        )
                    })
                    .sum()
            })
        });
    }
    group.finish();
    let _ = runtime.terminate(Dest::Pid(&relay));
    runtime.shutdown(Duration::from_secs(1));
}

criterion_group!(benches, lua);
criterion_main!(benches);
