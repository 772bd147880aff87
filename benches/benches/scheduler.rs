//! wippy-scheduler against tokio, on the same machine, in one run.
//!
//! `cargo bench -p wippy-benches --bench scheduler`
//!
//! Ids (stable; the README quotes them):
//! - `spawn_exit/wippy/outside`, `spawn_exit/tokio/outside`: a thread spawns N processes
//!   (tasks) that end at once and waits for all of them.
//! - `spawn_exit/wippy/monitored`, `spawn_exit/tokio/join_handles`: a process spawns N
//!   monitored children and waits for their N exit notices (what the echo relay does
//!   per message); tokio's equivalent awaits N `JoinHandle`s inside a task.
//! - `ping_pong/wippy`, `ping_pong/tokio`: N round trips between two processes; tokio
//!   sends a oneshot sender through an unbounded channel and awaits the reply.
//! - `fan_out/wippy`: one process sends to N workers and collects N replies.
//! - `mailbox/contended/wippy`: 4 processes send N/4 messages each to one receiver.
//!
//! Every group sets element throughput, so criterion prints elements per second.

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::time::Duration;
use wippy_scheduler::{Builder, Context, Exit, Pid, Scheduler, Signal, Step};

const WORKERS: usize = 2;

#[derive(Debug)]
enum Msg {
    Ping(Pid),
    Pong,
    Go,
}

fn wippy() -> Scheduler<Msg> {
    Builder::new().workers(WORKERS).build().expect("scheduler")
}

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .build()
        .expect("tokio runtime")
}

fn exits_now(_: &mut Context<'_, Msg>) -> Step<Msg> {
    Step::Done(None)
}

fn spawn_exit(c: &mut Criterion) {
    const N: u64 = 10_000;
    let mut group = c.benchmark_group("spawn_exit");
    group.throughput(Throughput::Elements(N));

    let scheduler = wippy();
    let handle = scheduler.handle();
    group.bench_function(BenchmarkId::new("wippy", "outside"), |b| {
        b.iter(|| {
            for _ in 0..N {
                handle.spawn(exits_now).unwrap();
            }
            assert!(scheduler.wait_idle(Duration::from_secs(60)));
        })
    });
    group.bench_function(BenchmarkId::new("wippy", "monitored"), |b| {
        b.iter(|| {
            let mut downs = 0;
            let mut started = false;
            let parent = handle
                .spawn_joinable(move |cx: &mut Context<'_, Msg>| {
                    if !started {
                        started = true;
                        for _ in 0..N {
                            cx.spawn_monitored(exits_now).unwrap();
                        }
                    }
                    while let Some(Signal::Down(_)) = cx.recv_signal() {
                        downs += 1;
                    }
                    if downs == N {
                        Step::Done(None)
                    } else {
                        Step::Wait
                    }
                })
                .unwrap();
            assert!(matches!(*parent.join(), Exit::Normal(None)));
        })
    });
    drop(scheduler);

    let rt = tokio_rt();
    group.bench_function(BenchmarkId::new("tokio", "outside"), |b| {
        b.iter(|| {
            let handles: Vec<_> = (0..N).map(|_| rt.spawn(async {})).collect();
            rt.block_on(async {
                for h in handles {
                    h.await.unwrap();
                }
            });
        })
    });
    group.bench_function(BenchmarkId::new("tokio", "join_handles"), |b| {
        b.iter(|| {
            rt.block_on(async {
                tokio::spawn(async {
                    let handles: Vec<_> = (0..N).map(|_| tokio::spawn(async {})).collect();
                    for h in handles {
                        h.await.unwrap();
                    }
                })
                .await
                .unwrap();
            });
        })
    });
    group.finish();
}

fn ping_pong(c: &mut Criterion) {
    const N: u64 = 100_000;
    let mut group = c.benchmark_group("ping_pong");
    group.throughput(Throughput::Elements(N));

    let scheduler = wippy();
    let handle = scheduler.handle();
    group.bench_function("wippy", |b| {
        b.iter(|| {
            let ponger = handle
                .spawn(|cx: &mut Context<'_, Msg>| {
                    while let Some(msg) = cx.recv() {
                        match msg {
                            Msg::Ping(from) => cx.send(from, Msg::Pong).unwrap(),
                            _ => return Step::Done(None),
                        }
                    }
                    Step::Wait
                })
                .unwrap();
            let mut left = N;
            let pinger = handle
                .spawn_joinable(move |cx: &mut Context<'_, Msg>| {
                    while let Some(msg) = cx.recv() {
                        if matches!(msg, Msg::Pong) {
                            left -= 1;
                            if left == 0 {
                                cx.send(ponger, Msg::Go).unwrap();
                                return Step::Done(None);
                            }
                        }
                        cx.send(ponger, Msg::Ping(cx.pid())).unwrap();
                    }
                    Step::Wait
                })
                .unwrap();
            handle.send(pinger.pid(), Msg::Go).unwrap();
            pinger.join();
            assert!(scheduler.wait_idle(Duration::from_secs(60)));
        })
    });
    drop(scheduler);

    let rt = tokio_rt();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let (tx, mut rx) =
                    tokio::sync::mpsc::unbounded_channel::<tokio::sync::oneshot::Sender<()>>();
                let ponger = tokio::spawn(async move {
                    while let Some(reply) = rx.recv().await {
                        let _ = reply.send(());
                    }
                });
                let pinger = tokio::spawn(async move {
                    for _ in 0..N {
                        let (reply, answer) = tokio::sync::oneshot::channel();
                        tx.send(reply).unwrap();
                        answer.await.unwrap();
                    }
                });
                pinger.await.unwrap();
                ponger.await.unwrap();
            });
        })
    });
    group.finish();
}

fn fan_out(c: &mut Criterion) {
    const N: u64 = 1_000;
    let mut group = c.benchmark_group("fan_out");
    group.throughput(Throughput::Elements(N));
    let scheduler = wippy();
    let handle = scheduler.handle();
    let workers: Vec<Pid> = (0..N)
        .map(|_| {
            handle
                .spawn(|cx: &mut Context<'_, Msg>| {
                    while let Some(msg) = cx.recv() {
                        if let Msg::Ping(from) = msg {
                            let _ = cx.send(from, Msg::Pong);
                        }
                    }
                    Step::Wait
                })
                .unwrap()
        })
        .collect();
    group.bench_function("wippy", |b| {
        b.iter(|| {
            let workers = workers.clone();
            let mut replies = 0;
            let mut sent = false;
            let parent = handle
                .spawn_joinable(move |cx: &mut Context<'_, Msg>| {
                    if !sent {
                        sent = true;
                        for &w in &workers {
                            cx.send(w, Msg::Ping(cx.pid())).unwrap();
                        }
                    }
                    while cx.recv().is_some() {
                        replies += 1;
                    }
                    if replies == N {
                        Step::Done(None)
                    } else {
                        Step::Wait
                    }
                })
                .unwrap();
            parent.join();
        })
    });
    group.finish();
}

fn mailbox_contended(c: &mut Criterion) {
    const SENDERS: u64 = 4;
    const N: u64 = 100_000;
    let mut group = c.benchmark_group("mailbox");
    group.throughput(Throughput::Elements(N));
    let scheduler = wippy();
    let handle = scheduler.handle();
    group.bench_function(BenchmarkId::new("contended", "wippy"), |b| {
        b.iter(|| {
            let mut received = 0;
            let receiver = handle
                .spawn_joinable(move |cx: &mut Context<'_, Msg>| {
                    while cx.recv().is_some() {
                        received += 1;
                    }
                    if received == N {
                        Step::Done(None)
                    } else {
                        Step::Wait
                    }
                })
                .unwrap();
            let to = receiver.pid();
            for _ in 0..SENDERS {
                let mut left = N / SENDERS;
                handle
                    .spawn(move |cx: &mut Context<'_, Msg>| {
                        // Bursts of 256, then yield, so the senders interleave.
                        for _ in 0..256 {
                            cx.send(to, Msg::Go).unwrap();
                            left -= 1;
                            if left == 0 {
                                return Step::Done(None);
                            }
                        }
                        Step::Yield
                    })
                    .unwrap();
            }
            receiver.join();
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = spawn_exit, ping_pong, fan_out, mailbox_contended
}
criterion_main!(benches);
