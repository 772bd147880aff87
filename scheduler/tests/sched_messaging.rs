//! Mailbox semantics seen through the public API: ordering, stale ids, signals.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wippy_scheduler::{Context, Exit, Pid, Scheduler, SendError, Signal, Step};

fn scheduler<M: Send + Sync + 'static>() -> Scheduler<M> {
    wippy_scheduler::Builder::new()
        .workers(2)
        .build()
        .expect("build scheduler")
}

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn per_sender_fifo_with_concurrent_senders() {
    const SENDERS: u64 = 8;
    const EACH: u64 = 5_000;
    let scheduler = scheduler::<(u64, u64)>();
    let handle = scheduler.handle();
    let mut next = vec![0u64; SENDERS as usize];
    let mut received = 0;
    let receiver = handle
        .spawn_joinable(move |cx: &mut Context<'_, (u64, u64)>| {
            while let Some((sender, seq)) = cx.recv() {
                if next[sender as usize] != seq {
                    return Step::Fail((sender, seq));
                }
                next[sender as usize] += 1;
                received += 1;
                if received == SENDERS * EACH {
                    return Step::Done(None);
                }
            }
            Step::Wait
        })
        .unwrap();
    let to = receiver.pid();
    for sender in 0..SENDERS {
        let mut seq = 0;
        handle
            .spawn(move |cx: &mut Context<'_, (u64, u64)>| {
                // Send in bursts, yielding between them, to interleave with the others.
                for _ in 0..100 {
                    cx.send(to, (sender, seq)).unwrap();
                    seq += 1;
                    if seq == EACH {
                        return Step::Done(None);
                    }
                }
                Step::Yield
            })
            .unwrap();
    }
    let exit = receiver.join_timeout(WAIT).expect("receiver finished");
    assert!(
        matches!(*exit, Exit::Normal(None)),
        "out of order: {exit:?}"
    );
}

#[test]
fn send_to_exited_process_hands_message_back() {
    let scheduler = scheduler::<String>();
    let handle = scheduler.handle();
    let quick = handle
        .spawn_joinable(|_: &mut Context<'_, String>| Step::Done(None))
        .unwrap();
    let pid = quick.pid();
    quick.join();
    assert!(!handle.is_alive(pid));
    let err = handle.send(pid, "hello".to_owned()).unwrap_err();
    assert_eq!(err, SendError("hello".to_owned()));
    assert_eq!(err.to_string(), "process not found");
    assert!(handle.kill(pid, "x").is_err());
    assert!(handle.cancel(pid, "x").is_err());
}

#[test]
fn stale_id_never_reaches_a_newer_process() {
    let scheduler = scheduler::<u32>();
    let handle = scheduler.handle();
    let first = handle
        .spawn_joinable(|_: &mut Context<'_, u32>| Step::Done(None))
        .unwrap();
    let stale = first.pid();
    first.join();
    // Spawn until the slot is reused; every new process counts what it receives.
    let received = Arc::new(AtomicUsize::new(0));
    let mut reused = None;
    let mut keep = Vec::new();
    for _ in 0..10_000 {
        let received = Arc::clone(&received);
        let pid = handle
            .spawn(move |cx: &mut Context<'_, u32>| {
                while cx.recv().is_some() {
                    received.fetch_add(1, Ordering::SeqCst);
                }
                Step::Wait
            })
            .unwrap();
        keep.push(pid);
        if pid.index() == stale.index() {
            reused = Some(pid);
            break;
        }
    }
    let reused = reused.expect("slot was reused");
    assert_ne!(reused, stale);
    assert!(handle.send(stale, 1).is_err());
    assert!(handle.send(reused, 2).is_ok());
    // Only the message to the live id arrives.
    let deadline = std::time::Instant::now() + WAIT;
    while received.load(Ordering::SeqCst) < 1 && std::time::Instant::now() < deadline {
        std::thread::yield_now();
    }
    assert_eq!(received.load(Ordering::SeqCst), 1);
}

#[test]
fn signals_are_read_before_messages() {
    // One worker, held by a blocker until everything is queued, so that the target's
    // first step sees the message, the user signal and the cancel all at once.
    let scheduler = wippy_scheduler::Builder::new()
        .workers(1)
        .build::<&'static str>()
        .unwrap();
    let handle = scheduler.handle();
    let release = Arc::new(AtomicUsize::new(0));
    let gate = Arc::clone(&release);
    handle
        .spawn(move |_: &mut Context<'_, &'static str>| {
            while gate.load(Ordering::SeqCst) == 0 {
                std::hint::spin_loop();
            }
            Step::Done(None)
        })
        .unwrap();
    let mut order = Vec::new();
    let process = handle
        .spawn_joinable(move |cx: &mut Context<'_, &'static str>| {
            loop {
                if let Some(signal) = cx.recv_signal() {
                    match signal {
                        Signal::User(s) => order.push(s),
                        Signal::Cancel(reason) => {
                            order.push(if &*reason == "stop" { "cancel" } else { "?" })
                        }
                        _ => order.push("?"),
                    }
                } else if let Some(m) = cx.recv() {
                    order.push(m);
                } else {
                    break;
                }
            }
            Step::Done(Some(if order == ["sig", "cancel", "msg"] {
                "ok"
            } else {
                "bad"
            }))
        })
        .unwrap();
    let pid = process.pid();
    handle.send(pid, "msg").unwrap();
    handle.send_signal(pid, "sig").unwrap();
    handle.cancel(pid, "stop").unwrap();
    release.store(1, Ordering::SeqCst);
    let exit = process.join_timeout(WAIT).expect("process finished");
    match &*exit {
        Exit::Normal(Some(result)) => assert_eq!(*result, "ok"),
        other => panic!("unexpected exit {other:?}"),
    }
}

#[test]
fn two_instances_do_not_interfere() {
    let a = scheduler::<u64>();
    let b = scheduler::<u64>();
    let (ha, hb) = (a.handle(), b.handle());
    // A process on `a` echoes to a process on `b` through b's handle.
    let mut total = 0;
    let sink = hb
        .spawn_joinable(move |cx: &mut Context<'_, u64>| {
            while let Some(v) = cx.recv() {
                total += v;
            }
            if total == 5050 {
                Step::Done(Some(total))
            } else {
                Step::Wait
            }
        })
        .unwrap();
    let sink_pid = sink.pid();
    let hb2 = hb.clone();
    let source = ha
        .spawn_joinable(move |_: &mut Context<'_, u64>| {
            for v in 1..=100 {
                hb2.send(sink_pid, v).unwrap();
            }
            Step::Done(None)
        })
        .unwrap();
    source.join();
    assert!(matches!(*sink.join(), Exit::Normal(Some(5050))));
    // The same index exists in both tables but the ids belong to their own instance.
    assert!(!ha.is_alive(sink_pid));
    assert_eq!(ha.metrics().spawned, 1);
    assert_eq!(hb.metrics().spawned, 1);
}

#[test]
fn a_million_short_lived_processes() {
    const N: usize = 1_000_000;
    let scheduler = scheduler::<()>();
    let handle = scheduler.handle();
    let done = Arc::new(AtomicUsize::new(0));
    for _ in 0..N {
        let done = Arc::clone(&done);
        handle
            .spawn(move |_: &mut Context<'_, ()>| {
                done.fetch_add(1, Ordering::Relaxed);
                Step::Done(None)
            })
            .unwrap();
    }
    assert!(
        scheduler.wait_idle(Duration::from_secs(120)),
        "processes still live"
    );
    assert_eq!(done.load(Ordering::Relaxed), N);
    let metrics = handle.metrics();
    assert_eq!(metrics.spawned, N as u64);
    assert_eq!(metrics.exited, N as u64);
    assert_eq!(metrics.live, 0);
    assert_eq!(metrics.failed, 0);
}

#[test]
fn spawned_processes_spawn_more_processes() {
    // A tree of depth 10, fanout 2, built from inside processes: 2047 processes.
    fn node(depth: u32) -> impl FnMut(&mut Context<'_, u32>) -> Step<u32> + Send + 'static {
        move |cx| {
            if depth > 0 {
                cx.spawn(node(depth - 1)).unwrap();
                cx.spawn(node(depth - 1)).unwrap();
            }
            Step::Done(None)
        }
    }
    let scheduler = scheduler::<u32>();
    scheduler.handle().spawn(node(10)).unwrap();
    assert!(scheduler.wait_idle(Duration::from_secs(30)));
    assert_eq!(scheduler.handle().metrics().spawned, 2047);
}

#[test]
fn pids_print_index_and_generation() {
    let pid: Pid = Pid::from_bits(7 | 3 << 32);
    assert_eq!(pid.index(), 7);
    assert_eq!(pid.generation(), 3);
    assert_eq!(pid.to_string(), "<7.3>");
    assert_eq!(Pid::from_bits(pid.to_bits()), pid);
}

#[test]
fn mailbox_ref_delivers_in_order_and_fails_once_the_process_exits() {
    let scheduler = scheduler::<u64>();
    let handle = scheduler.handle();
    let mut expected = 0;
    let receiver = handle
        .spawn_joinable(move |cx: &mut Context<'_, u64>| {
            while let Some(n) = cx.recv() {
                if n != expected {
                    return Step::Fail(n);
                }
                expected += 1;
                if expected == 1_000 {
                    return Step::Done(None);
                }
            }
            Step::Wait
        })
        .unwrap();
    let mailbox = handle.mailbox(receiver.pid()).expect("a live process");
    assert_eq!(mailbox.pid(), receiver.pid());
    // Interleaved with sends by PID: one mailbox, one order.
    for n in 0..1_000 {
        if n % 2 == 0 {
            mailbox.send(n).unwrap();
        } else {
            handle.send(receiver.pid(), n).unwrap();
        }
    }
    let exit = receiver.join_timeout(WAIT).expect("receiver finished");
    assert!(matches!(*exit, Exit::Normal(None)), "{exit:?}");
    assert_eq!(mailbox.send(7).unwrap_err(), SendError(7));
    assert!(handle.mailbox(receiver.pid()).is_none());
}

/// Which of two waiting processes runs first after one step wakes `first` with a message
/// and then `second` with `wake_second` (one worker, so the order is the queue's).
fn order_after_two_wakes(
    wake_second: fn(
        &wippy_scheduler::Handle<&'static str>,
        Pid,
    ) -> Result<(), SendError<&'static str>>,
) -> Vec<&'static str> {
    let scheduler = wippy_scheduler::Builder::new()
        .workers(1)
        .build::<&'static str>()
        .unwrap();
    let handle = scheduler.handle();
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let started = Arc::new(AtomicUsize::new(0));
    let waiter = |name: &'static str| {
        let order = Arc::clone(&order);
        let started = Arc::clone(&started);
        let mut first_step = true;
        move |cx: &mut Context<'_, &'static str>| {
            if std::mem::take(&mut first_step) {
                started.fetch_add(1, Ordering::SeqCst);
            }
            let woken = cx.recv().is_some() || cx.recv_signal().is_some();
            if woken {
                order.lock().unwrap().push(name);
                return Step::Done(None);
            }
            Step::Wait
        }
    };
    let first = handle.spawn_joinable(waiter("first")).unwrap();
    let second = handle.spawn_joinable(waiter("second")).unwrap();
    while started.load(Ordering::SeqCst) < 2 {
        std::thread::sleep(Duration::from_millis(1));
    }
    let (to_first, to_second) = (first.pid(), second.pid());
    handle
        .spawn(move |cx: &mut Context<'_, &'static str>| {
            cx.send(to_first, "reply").unwrap();
            wake_second(&cx.handle(), to_second).unwrap();
            Step::Done(None)
        })
        .unwrap();
    first.join_timeout(WAIT).expect("first finished");
    second.join_timeout(WAIT).expect("second finished");
    order.lock().unwrap().clone()
}

#[test]
fn a_notice_does_not_push_out_a_process_woken_to_run_next() {
    // A signal, like a message, takes the worker's LIFO slot: the process woken last
    // runs first.
    assert_eq!(
        order_after_two_wakes(|handle, pid| handle.send_signal(pid, "signal")),
        ["second", "first"]
    );
    // A notice queues behind: the process the reply woke keeps its turn.
    assert_eq!(
        order_after_two_wakes(|handle, pid| handle.send_notice(pid, "notice")),
        ["first", "second"]
    );
}

/// A message that counts its drops.
#[derive(Debug)]
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// What a process never received is dropped when it exits, before its exit is told:
/// not with its table record, whose free can wait for many later exits on the worker
/// (a process that ended with 20 MB of unread messages kept them that long).
#[test]
fn messages_left_in_the_mailbox_go_when_the_process_exits() {
    const QUEUED: usize = 10;
    let scheduler = scheduler::<Counted>();
    let handle = scheduler.handle();
    let dropped = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&dropped);
    let process = handle
        .spawn_joinable(move |cx: &mut Context<'_, Counted>| {
            for _ in 0..QUEUED {
                cx.send(cx.pid(), Counted(Arc::clone(&counter)))
                    .expect("a live process takes messages");
            }
            Step::Done(None)
        })
        .unwrap();
    let exit = process.join_timeout(WAIT).expect("the process exits");
    assert!(matches!(*exit, Exit::Normal(None)), "{exit:?}");
    assert_eq!(dropped.load(Ordering::SeqCst), QUEUED);
}
