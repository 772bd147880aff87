//! The preemption handshake of `WorkerMeter` (worker.rs): the driver calls the hook of
//! the run it saw, never after the worker let go of that run's task, and never the hook
//! of a later run.

use crate::process::PreemptHook;
use crate::worker::WorkerMeter;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use loom::thread;

/// A task's hook for run `run`: asserts that its task is still held and that the driver
/// meant this run.
fn hook_for(run: u64, released: Arc<AtomicBool>, target: Arc<AtomicU64>) -> Option<PreemptHook> {
    Some(std::sync::Arc::new(move || {
        assert!(
            !released.load(Ordering::SeqCst),
            "the hook of run {run} was called after its task was released"
        );
        assert_eq!(
            target.load(Ordering::SeqCst),
            run,
            "the driver called the hook of another run"
        );
    }))
}

#[test]
fn loom_preempt_hook_only_during_its_run() {
    loom::model(|| {
        let meter = Arc::new(WorkerMeter::default());
        let target = Arc::new(AtomicU64::new(0));
        let released = [
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        ];
        // The tasks' hook fields live to the end of the model (the real worker drops
        // the task after `close_run`; here `released` marks that moment).
        let mut tasks = [
            hook_for(1, Arc::clone(&released[0]), Arc::clone(&target)),
            hook_for(3, Arc::clone(&released[1]), Arc::clone(&target)),
        ];
        let pointers: Vec<usize> = tasks
            .iter_mut()
            .map(|t| std::ptr::from_mut(t) as usize)
            .collect();

        let worker = {
            let meter = Arc::clone(&meter);
            let released = released.clone();
            thread::spawn(move || {
                for (i, seq) in [1u64, 3].into_iter().enumerate() {
                    meter.open_run(seq, pointers[i] as *mut Option<PreemptHook>);
                    meter.close_run(seq);
                    released[i].store(true, Ordering::SeqCst);
                }
            })
        };
        let driver = {
            let meter = Arc::clone(&meter);
            let target = Arc::clone(&target);
            thread::spawn(move || {
                let seq = meter.run_seq.load(Ordering::Acquire);
                if seq % 2 == 1 {
                    target.store(seq, Ordering::SeqCst);
                    meter.call_hook(seq);
                }
            })
        };
        worker.join().unwrap();
        driver.join().unwrap();
        drop(tasks);
    });
}
