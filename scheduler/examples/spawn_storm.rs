//! Spawns and ends a million processes from inside a process, monitored, as the echo
//! relay does per message; prints the rate. Used to profile spawn + exit.
//!
//! `cargo run --release -p wippy-scheduler --example spawn_storm`

use std::time::Instant;
use wippy_scheduler::{Context, Scheduler, Signal, Step};

const N: u64 = 1_000_000;

fn main() {
    let scheduler = Scheduler::<()>::builder().build().expect("start scheduler");
    let started = Instant::now();
    let mut spawned = 0;
    let mut downs = 0;
    let parent = scheduler
        .handle()
        .spawn_joinable(move |cx: &mut Context<'_, ()>| {
            // Spawn in batches so the children run while the parent keeps spawning.
            for _ in 0..1000.min(N - spawned) {
                cx.spawn_monitored(|_: &mut Context<'_, ()>| Step::Done(None)).expect("spawn");
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
    println!("{N} spawn+exit in {elapsed:.2?}: {:.0}/s", N as f64 / elapsed.as_secs_f64());
}
