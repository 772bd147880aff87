//! Two processes exchange 100 000 round trips while a third watches them through a
//! monitor. No Lua involved: this is the scheduler used alone from Rust.
//!
//! `cargo run --release -p wippy-scheduler --example ping_pong`

use std::time::{Duration, Instant};
use wippy_scheduler::{Context, Exit, Pid, Scheduler, Shutdown, Signal, Step};

#[derive(Debug)]
enum Msg {
    /// Tells the pinger whom to ping.
    Start(Pid),
    Ping(Pid, u32),
    Pong(u32),
}

const ROUNDS: u32 = 100_000;

fn main() {
    let scheduler = Scheduler::<Msg>::builder()
        .build()
        .expect("start scheduler");
    let handle = scheduler.handle();

    // Answers every ping; exits normally after the last one.
    let ponger = handle
        .spawn(|cx: &mut Context<'_, Msg>| {
            while let Some(msg) = cx.recv() {
                if let Msg::Ping(from, n) = msg {
                    if cx.send(from, Msg::Pong(n)).is_err() || n == ROUNDS {
                        return Step::Done(None);
                    }
                }
            }
            Step::Wait
        })
        .expect("spawn ponger");

    // Pings until ROUNDS pongs came back.
    let mut peer = None;
    let pinger = handle
        .spawn(move |cx: &mut Context<'_, Msg>| {
            while let Some(msg) = cx.recv() {
                let next = match msg {
                    Msg::Start(to) => {
                        peer = Some(to);
                        1
                    }
                    Msg::Pong(n) if n == ROUNDS => return Step::Done(None),
                    Msg::Pong(n) => n + 1,
                    Msg::Ping(..) => continue,
                };
                let to = peer.expect("Start comes first");
                cx.send(to, Msg::Ping(cx.pid(), next))
                    .expect("ponger is alive");
            }
            Step::Wait
        })
        .expect("spawn pinger");

    // Monitors both and finishes when both are gone.
    let mut watching = 0;
    let watcher = handle
        .spawn_joinable(move |cx: &mut Context<'_, Msg>| {
            if watching == 0 {
                for pid in [ponger, pinger] {
                    cx.monitor(pid).expect("both are alive");
                    watching += 1;
                }
                cx.send(pinger, Msg::Start(ponger))
                    .expect("pinger is alive");
            }
            while let Some(signal) = cx.recv_signal() {
                if let Signal::Down(down) = signal {
                    println!("{} exited: {:?}", down.pid, down.exit);
                    watching -= 1;
                    if watching == 0 {
                        return Step::Done(None);
                    }
                }
            }
            Step::Wait
        })
        .expect("spawn watcher");

    let started = Instant::now();
    let exit = watcher.join();
    let elapsed = started.elapsed();
    assert!(matches!(*exit, Exit::Normal(None)));
    println!(
        "{ROUNDS} round trips in {elapsed:.2?}: {:.0} round trips/s",
        f64::from(ROUNDS) / elapsed.as_secs_f64()
    );
    scheduler.shutdown(Shutdown::new("example done", Duration::from_secs(1)));
}
