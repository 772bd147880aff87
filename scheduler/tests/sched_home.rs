//! Home affinity (`Builder::home_affinity`, `worker.rs`): a process woken by a process on
//! another worker is queued on its home worker while that one is busy. Such a process
//! must not wait for its home: an idle worker takes it from there.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wippy_scheduler::{Context, Exit, Step};

const WAIT: Duration = Duration::from_secs(30);

/// How long the hog holds its worker at most; the test fails if it has to.
const HOG_LIMIT: Duration = Duration::from_secs(10);

fn thread_name() -> String {
    std::thread::current().name().unwrap_or("?").to_owned()
}

/// P runs once (its worker becomes its home) and spawns H, which then holds that worker
/// in one long step. Q, started afterwards on the other worker, wakes P. Returns the
/// threads P ran on (first step, woken step), H's thread, and whether H saw P woken
/// before it gave up.
fn woken_while_home_is_busy(home_affinity: bool) -> (String, String, String, bool) {
    let scheduler = wippy_scheduler::Builder::new()
        .workers(2)
        .home_affinity(home_affinity)
        .build::<u32>()
        .expect("build scheduler");
    let handle = scheduler.handle();
    let hogging = Arc::new(AtomicBool::new(false));
    let woken = Arc::new(AtomicBool::new(false));
    let threads = Arc::new(Mutex::new(Vec::<String>::new()));
    let hog_result = Arc::new(Mutex::new(None::<(String, bool)>));

    let (p_hogging, p_woken, p_threads, p_hog_result) = (
        Arc::clone(&hogging),
        Arc::clone(&woken),
        Arc::clone(&threads),
        Arc::clone(&hog_result),
    );
    let mut first = true;
    let p = handle
        .spawn_joinable(move |cx: &mut Context<'_, u32>| {
            if std::mem::take(&mut first) {
                p_threads.lock().unwrap().push(thread_name());
                let (hogging, woken, result) = (
                    Arc::clone(&p_hogging),
                    Arc::clone(&p_woken),
                    Arc::clone(&p_hog_result),
                );
                // Spawned from a worker: queued to run next on this one.
                cx.handle()
                    .spawn(move |_: &mut Context<'_, u32>| {
                        hogging.store(true, Ordering::SeqCst);
                        let start = Instant::now();
                        while !woken.load(Ordering::SeqCst) && start.elapsed() < HOG_LIMIT {
                            std::hint::spin_loop();
                        }
                        *result.lock().unwrap() =
                            Some((thread_name(), woken.load(Ordering::SeqCst)));
                        Step::Done(None)
                    })
                    .expect("spawn the hog");
                return Step::Wait;
            }
            if cx.recv().is_some() {
                p_threads.lock().unwrap().push(thread_name());
                p_woken.store(true, Ordering::SeqCst);
                return Step::Done(None);
            }
            Step::Wait
        })
        .expect("spawn P");
    let started = Instant::now();
    while !hogging.load(Ordering::SeqCst) {
        assert!(started.elapsed() < WAIT, "the hog never ran");
        std::thread::sleep(Duration::from_millis(1));
    }
    let to = p.pid();
    handle
        .spawn(move |cx: &mut Context<'_, u32>| {
            cx.send(to, 1).expect("P is alive");
            Step::Done(None)
        })
        .expect("spawn Q");
    let exit = p.join_timeout(WAIT).expect("P finished");
    assert!(matches!(*exit, Exit::Normal(None)), "{exit:?}");
    let started = Instant::now();
    let (hog_thread, saw_woken) = loop {
        if let Some(result) = hog_result.lock().unwrap().clone() {
            break result;
        }
        assert!(started.elapsed() < WAIT, "the hog never finished");
        std::thread::sleep(Duration::from_millis(1));
    };
    let threads = threads.lock().unwrap().clone();
    assert_eq!(threads.len(), 2, "P ran twice: {threads:?}");
    (
        threads[0].clone(),
        threads[1].clone(),
        hog_thread,
        saw_woken,
    )
}

#[test]
fn a_process_woken_for_its_busy_home_is_taken_by_an_idle_worker() {
    for home_affinity in [true, false] {
        let (p_first, p_woken, hog, saw_woken) = woken_while_home_is_busy(home_affinity);
        assert_eq!(
            p_first, hog,
            "H ran next on P's worker (affinity {home_affinity})"
        );
        assert!(
            saw_woken,
            "P ran while its home was held (affinity {home_affinity})"
        );
        assert_ne!(
            p_woken, hog,
            "P ran on the other worker (affinity {home_affinity})"
        );
    }
}
