//! Spawns and ends a million processes from inside a process, monitored, as the echo
//! relay does per message; prints the rate. Used to profile spawn + exit.
//!
//! `cargo run --release -p wippy-scheduler --example spawn_storm [batch]`: the parent
//! spawns `batch` children per step (default 1000), then yields.

use std::time::Instant;
use wippy_scheduler::{Context, Scheduler, Signal, Step};

const N: u64 = 1_000_000;

fn main() {
    let batch: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let scheduler = Scheduler::<()>::builder().build().expect("start scheduler");
    let started = Instant::now();
    let mut spawned = 0;
    let mut downs = 0;
    let parent = scheduler
        .handle()
        .spawn_joinable(move |cx: &mut Context<'_, ()>| {
            // Spawn in batches so the children run while the parent keeps spawning.
            for _ in 0..batch.min(N - spawned) {
                cx.spawn_monitored(|_: &mut Context<'_, ()>| Step::Done(None))
                    .expect("spawn");
                spawned += 1;
            }
            while let Some(Signal::Down(_)) = cx.recv_signal() {
                downs += 1;
            }
            match (spawned == N, downs == N) {
                (_, true) => Step::Done(None),
                (false, _) => Step::Yield,
                (true, false) => Step::Wait,
            }
        })
        .expect("spawn parent");
    parent.join();
    let elapsed = started.elapsed();
    println!(
        "batch {batch}: {N} spawn+exit in {elapsed:.2?}: {:.0}/s",
        N as f64 / elapsed.as_secs_f64()
    );
}
