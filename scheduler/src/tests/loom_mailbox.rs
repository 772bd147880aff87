//! The mailbox with concurrent senders, together with the wake protocol: every message
//! is consumed (no lost wake-up) and the process is never queued twice.

use crate::loom::atomic::{AtomicBool, Ordering};
use crate::mailbox::{Mailbox, Pop};
use crate::state::{State, Wake};
use loom::sync::Arc;
use loom::thread;

struct Proc {
    mailbox: Mailbox<u32>,
    state: State,
    /// `true` while the process sits in the (simulated) run queue.
    queued: AtomicBool,
}

impl Proc {
    fn enqueue(&self) {
        let was = self.queued.swap(true, Ordering::SeqCst);
        assert!(!was, "process scheduled twice");
    }

    /// One worker run: dequeue, drain, finish; repeats while notified during the run.
    fn run(&self, got: &mut Vec<u32>) {
        loop {
            assert!(
                self.queued.swap(false, Ordering::SeqCst),
                "ran a process that was not queued"
            );
            self.state.start_run();
            loop {
                // SAFETY: the model's main thread is the only consumer.
                match unsafe { self.mailbox.pop() } {
                    Pop::Message(v) => got.push(v),
                    Pop::Empty | Pop::Inconsistent => break,
                }
            }
            if !self.state.finish_wait() {
                return;
            }
            self.enqueue();
        }
    }
}

#[test]
fn loom_mailbox_concurrent_senders_no_lost_wakeup() {
    loom::model(|| {
        let p = Arc::new(Proc {
            mailbox: Mailbox::new(),
            state: State::new_scheduled(),
            queued: AtomicBool::new(true),
        });
        let senders: Vec<_> = (0..2)
            .map(|i| {
                let p = Arc::clone(&p);
                thread::spawn(move || {
                    p.mailbox.push(i);
                    if p.state.notify() == Wake::Schedule {
                        p.enqueue();
                    }
                })
            })
            .collect();
        let mut got = Vec::new();
        p.run(&mut got);
        for sender in senders {
            sender.join().unwrap();
        }
        if p.queued.load(Ordering::SeqCst) {
            p.run(&mut got);
        }
        got.sort_unstable();
        assert_eq!(got, vec![0, 1], "a message was lost or duplicated");
        assert!(!p.mailbox.has_pending());
    });
}

#[test]
fn loom_mailbox_fifo_per_sender() {
    loom::model(|| {
        let mailbox = Arc::new(Mailbox::new());
        let sender = {
            let mailbox = Arc::clone(&mailbox);
            thread::spawn(move || {
                mailbox.push(1);
                mailbox.push(2);
            })
        };
        let mut got = Vec::new();
        while got.len() < 2 {
            // SAFETY: the model's main thread is the only consumer.
            match unsafe { mailbox.pop() } {
                Pop::Message(v) => got.push(v),
                Pop::Empty | Pop::Inconsistent => thread::yield_now(),
            }
        }
        sender.join().unwrap();
        assert_eq!(got, vec![1, 2]);
    });
}
