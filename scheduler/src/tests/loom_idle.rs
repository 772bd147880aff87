//! Parking and unparking idle workers (idle/README.md): a job made available while
//! workers go to sleep is always picked up; loom reports a deadlock otherwise.

use crate::idle::Idle;
use crate::loom::Mutex;
use crate::park::Parker;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;

struct Pool {
    idle: Idle,
    parkers: Vec<Parker>,
    jobs: Mutex<Vec<u32>>,
    done: AtomicBool,
}

impl Pool {
    fn notify_parked(&self) {
        if let Some(worker) = self.idle.worker_to_notify() {
            self.parkers[worker].unpark();
        }
    }

    /// The worker loop of `worker.rs`, with a plain job list instead of deques.
    fn worker(&self, index: usize) {
        let mut searching = false;
        loop {
            if self.done.load(Ordering::SeqCst) {
                if searching {
                    let _ = self.idle.stop_searching();
                }
                return;
            }
            if !searching {
                searching = self.idle.try_start_searching();
            }
            let job = self.jobs.lock().pop();
            if job.is_some() {
                if std::mem::take(&mut searching) && self.idle.stop_searching() {
                    self.notify_parked();
                }
                self.done.store(true, Ordering::SeqCst);
                for parker in &self.parkers {
                    parker.unpark();
                }
                return;
            }
            let last = self.idle.park(index, std::mem::take(&mut searching));
            if last && !self.jobs.lock().is_empty() {
                self.notify_parked();
            }
            loop {
                if self.done.load(Ordering::SeqCst) {
                    // As in worker.rs: not listed any more means counted as searching.
                    if !self.idle.unlist(index) {
                        let _ = self.idle.stop_searching();
                    }
                    return;
                }
                self.parkers[index].park();
                if !self.idle.is_sleeping(index) {
                    searching = true;
                    break;
                }
            }
        }
    }
}

fn model(workers: usize) {
    loom::model(move || {
        let pool = Arc::new(Pool {
            idle: Idle::new(workers),
            parkers: (0..workers).map(|_| Parker::new()).collect(),
            jobs: Mutex::new(Vec::new()),
            done: AtomicBool::new(false),
        });
        let threads: Vec<_> = (0..workers)
            .map(|index| {
                let pool = Arc::clone(&pool);
                thread::spawn(move || pool.worker(index))
            })
            .collect();
        pool.jobs.lock().push(1);
        pool.notify_parked();
        for t in threads {
            t.join().unwrap();
        }
        assert!(pool.jobs.lock().is_empty());
        assert_eq!(pool.idle.searching(), 0);
    });
}

#[test]
fn loom_idle_one_worker_no_lost_wakeup() {
    model(1);
}

#[test]
fn loom_idle_two_workers_no_lost_wakeup() {
    model(2);
}
