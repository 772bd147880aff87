//! A process waits on two sources (its mailbox and a timer) that fire at once: it is
//! queued once per needed run, never twice, and sees both sources afterwards.

use crate::loom::atomic::{AtomicBool, Ordering};
use crate::mailbox::{Mailbox, Pop};
use crate::pid::Pid;
use crate::state::{State, Wake};
use crate::timer::TimerEntry;
use loom::sync::Arc;
use loom::thread;

struct Proc {
    mailbox: Mailbox<u32>,
    timer: TimerEntry,
    state: State,
    queued: AtomicBool,
}

impl Proc {
    fn wake(&self) {
        if self.state.notify() == Wake::Schedule {
            assert!(!self.queued.swap(true, Ordering::SeqCst), "woken twice");
        }
    }

    /// One run of a process that selects over its mailbox and its timer.
    fn run(&self, message: &mut Option<u32>, ticks: &mut u32) {
        loop {
            assert!(self.queued.swap(false, Ordering::SeqCst));
            self.state.start_run();
            // SAFETY: the model's main thread is the only consumer.
            if let Pop::Message(v) = unsafe { self.mailbox.pop() } {
                assert!(message.replace(v).is_none());
            }
            *ticks += self.timer.take_ticks_for_model();
            if !self.state.finish_wait() {
                return;
            }
            assert!(!self.queued.swap(true, Ordering::SeqCst), "queued twice");
        }
    }
}

fn model(start_running: bool) {
    loom::model(move || {
        let p = Arc::new(Proc {
            mailbox: Mailbox::new(),
            timer: TimerEntry::new(Pid::new(0, 0), None),
            state: State::new_scheduled(),
            queued: AtomicBool::new(true),
        });
        let (mut message, mut ticks) = (None, 0);
        if !start_running {
            // The process ran once, found nothing, and waits.
            p.run(&mut message, &mut ticks);
        }
        let sender = {
            let p = Arc::clone(&p);
            thread::spawn(move || {
                p.mailbox.push(7);
                p.wake();
            })
        };
        let driver = {
            let p = Arc::clone(&p);
            thread::spawn(move || {
                p.timer.fire();
                p.wake();
            })
        };
        if start_running {
            p.run(&mut message, &mut ticks);
        }
        sender.join().unwrap();
        driver.join().unwrap();
        if p.queued.load(Ordering::SeqCst) {
            p.run(&mut message, &mut ticks);
        }
        assert_eq!(message, Some(7), "the message was lost");
        assert_eq!(ticks, 1, "the timer tick was lost");
    });
}

#[test]
fn loom_select_two_sources_fire_while_waiting() {
    model(false);
}

#[test]
fn loom_select_two_sources_fire_while_running() {
    model(true);
}
