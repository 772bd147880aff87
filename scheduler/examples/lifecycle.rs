//! One full cycle, small enough for valgrind: start a scheduler, spawn, message,
//! monitor, arm timers, let everything exit, shut down.
//!
//! `valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 target/debug/examples/lifecycle`

use std::time::Duration;
use wippy_scheduler::{Context, Scheduler, Shutdown, Signal, Step};

fn main() {
    let scheduler = Scheduler::<String>::builder()
        .workers(2)
        .build()
        .expect("start scheduler");
    let handle = scheduler.handle();
    let mut children = 0;
    let mut downs = 0;
    let mut timer = None;
    let parent = handle
        .spawn_joinable(move |cx: &mut Context<'_, String>| {
            if children == 0 {
                for i in 0..1000 {
                    let (child, _) = cx
                        .spawn_monitored(move |cx: &mut Context<'_, String>| match cx.recv() {
                            Some(text) => Step::Done(Some(format!("{text} {i}"))),
                            None => Step::Wait,
                        })
                        .expect("spawn child");
                    cx.send(child, "hello".to_owned()).expect("child is alive");
                    children += 1;
                }
                timer = Some(cx.timer(Duration::from_millis(1)));
                // A timer that will never fire: dropped, hence cancelled, at exit.
                let _forgotten = cx.ticker(Duration::from_secs(3600));
            }
            while let Some(signal) = cx.recv_signal() {
                if let Signal::Down(_) = signal {
                    downs += 1;
                }
            }
            let timer_fired = timer.as_ref().is_some_and(|t| t.fired());
            if downs == children && timer_fired {
                Step::Done(None)
            } else {
                Step::Wait
            }
        })
        .expect("spawn parent");
    // A process that never exits on its own: shutdown cancels and then kills it.
    handle
        .spawn(|_: &mut Context<'_, String>| Step::Wait)
        .expect("spawn idler");
    parent.join();
    let report = scheduler.shutdown(Shutdown::new("done", Duration::from_millis(10)));
    println!("done, {} killed at shutdown", report.killed);
}
