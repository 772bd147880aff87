//! Measures how long one cache line takes to go from one core to another and back on
//! this machine, right now: two threads hand a counter to each other through one
//! atomic word, and the time per round trip is printed for each of `SAMPLES` samples
//! (default 5) of 200 000 round trips.
//!
//! ```text
//! cargo run --release -p wippy-benches --bin cross_core -- 5
//! ```
//!
//! On a virtual machine this moves with where the host places the virtual CPUs: on
//! the 2-core machine of the README it is about 50 ns in some minutes and about 400 ns
//! in others. Every 2-worker figure in which processes hand work across workers (and
//! BEAM's with 2 schedulers) follows it, so `tools/rounds.sh` prints it beside each
//! run. Needs two free cores to mean anything: with one, each hand-off waits for the
//! other thread's time slice.
#![allow(missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const ROUND_TRIPS: u64 = 200_000;

fn main() {
    let samples: u32 = match std::env::args().nth(1).map(|s| s.parse()) {
        None => 5,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: cross_core [SAMPLES]   (a whole number above 0)");
            std::process::exit(2);
        }
    };
    let line: Vec<String> = (0..samples).map(|_| format!("{:.0}", sample())).collect();
    println!("cross-core round trip, ns: {}", line.join(" "));
}

/// Nanoseconds per round trip of the counter between this thread and a new one.
fn sample() -> f64 {
    // Odd values are this thread's turn to be answered, even ones the other thread's.
    let word = Arc::new(AtomicU64::new(0));
    let peer = Arc::clone(&word);
    let answerer = std::thread::spawn(move || {
        for i in 0..ROUND_TRIPS {
            while peer.load(Ordering::Acquire) != 2 * i + 1 {
                std::hint::spin_loop();
            }
            peer.store(2 * i + 2, Ordering::Release);
        }
    });
    let start = Instant::now();
    for i in 0..ROUND_TRIPS {
        word.store(2 * i + 1, Ordering::Release);
        while word.load(Ordering::Acquire) != 2 * i + 2 {
            std::hint::spin_loop();
        }
    }
    let took = start.elapsed();
    answerer
        .join()
        .expect("the answering thread does not panic");
    took.as_secs_f64() * 1e9 / ROUND_TRIPS as f64
}
