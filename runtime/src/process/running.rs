//! The scheduler-facing wrapper of a runtime process: it turns scheduler signals into
//! lifecycle events (failing the process on an untrapped LINK_DOWN), steps the body, and
//! runs the exit protocol exactly once — when the body ends, panics, or is dropped
//! unfinished because the process was terminated or its host shut down.

use super::body::{Flow, ProcessBody};
use super::boot::BootWatch;
use super::context::ProcessContext;
use super::record::ProcessRecord;
use crate::message::{Envelope, Event, EventKind, Message, Outcome};
use crate::payload::{ErrorKind, ErrorValue};
use crate::runtime::Runtime;
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use wippy_scheduler::{Context, Process, Signal, Step};

/// The per-process runtime state a body's context borrows.
#[derive(Debug)]
pub(crate) struct Shell {
    pub(crate) runtime: Runtime,
    pub(crate) record: Arc<ProcessRecord>,
    /// Events received from the scheduler and not yet read by the body.
    pub(crate) events: VecDeque<Event>,
    /// Messages [`ProcessContext::recv_event`] took out of the mailbox to reach the
    /// events queued behind them (a CANCEL travels in line with messages); handed out
    /// first by `recv_message` and `recv_mail`. Boxed: most processes never need it.
    ///
    /// [`ProcessContext::recv_event`]: super::ProcessContext::recv_event
    #[allow(clippy::box_collection)] // one word in every process instead of four
    pub(crate) held: Option<Box<VecDeque<Message>>>,
    /// Set by an untrapped LINK_DOWN: the process fails with this error.
    pub(crate) doomed: Option<ErrorValue>,
    /// Told when the body says it has booted ([`ProcessContext::booted`]); taken then.
    ///
    /// [`ProcessContext::booted`]: super::ProcessContext::booted
    pub(crate) boot_watch: Option<Arc<dyn BootWatch>>,
    /// Whether the process has booted (got past what could fail its start).
    pub(crate) booted: bool,
}

impl Shell {
    /// Moves every pending scheduler signal into `events`.
    pub(crate) fn drain_signals(&mut self, cx: &mut Context<'_, Envelope>) {
        while let Some(signal) = cx.recv_signal() {
            match signal {
                Signal::User(Envelope::Event(event)) => self.accept_event(event),
                Signal::User(Envelope::Message(_)) | Signal::Down(_) => {}
                // The host is shutting down: a CANCEL from nobody in particular.
                Signal::Cancel(reason) => {
                    self.accept_event(Event::cancel(None, Arc::from(&*reason)));
                }
                _ => {}
            }
        }
    }

    /// Runs the exit protocol with `outcome`. A process that has not booted tells its
    /// boot watch first, which may name a spawner that takes the failure as its spawn's
    /// (see [`BootWatch::failed_to_boot`]).
    fn finish(&mut self, outcome: Outcome) {
        let spawner = match self.boot_watch.take() {
            Some(watch) if !self.booted => watch.failed_to_boot(&self.record.pid, &outcome),
            _ => None,
        };
        self.runtime
            .finish(&self.record, outcome, self.booted, spawner.as_ref());
    }

    pub(crate) fn accept_event(&mut self, event: Event) {
        if let Some(event) = self.admit_event(event) {
            self.events.push_back(event);
        }
    }

    /// What a body gets of `event`: `None` when the event fails the process instead (an
    /// untrapped LINK_DOWN) or is stale (the EXIT of a process no longer monitored).
    pub(crate) fn admit_event(&mut self, event: Event) -> Option<Event> {
        if event.kind == EventKind::LinkDown && !self.record.traps_links() {
            if self.doomed.is_none() {
                // A plain error, as the original's `errors.New("linked process failed")`:
                // no kind, no details.
                self.doomed = Some(ErrorValue::new(ErrorKind::Unknown, "linked process failed"));
            }
            return None;
        }
        if event.kind == EventKind::Exit {
            // This process takes the monitor off its own list as it takes the EXIT; one
            // from a process it no longer monitors (an `unmonitor` after that process
            // ended, while its EXIT was on its way) is dropped: after `unmonitor`,
            // nothing more arrives.
            let monitored = event.from.as_ref().is_some_and(|from| {
                self.record
                    .with_live(|mine| {
                        let was = mine.monitoring.contains(from);
                        mine.monitoring.remove(from);
                        was
                    })
                    .unwrap_or(false)
            });
            if !monitored {
                return None;
            }
        }
        Some(event)
    }
}

/// A runtime process as the scheduler sees it.
pub(crate) struct Running {
    shell: Shell,
    body: Box<dyn ProcessBody>,
    finished: bool,
}

impl Running {
    pub(crate) fn new(
        runtime: Runtime,
        record: Arc<ProcessRecord>,
        body: Box<dyn ProcessBody>,
        boot_watch: Option<Arc<dyn BootWatch>>,
    ) -> Running {
        Running {
            shell: Shell {
                runtime,
                record,
                events: VecDeque::new(),
                held: None,
                doomed: None,
                boot_watch,
                booted: !body.boots_itself(),
            },
            body,
            finished: false,
        }
    }

    /// Ends the process: drops the messages it never took, then runs the exit protocol
    /// (so that whoever learns of the exit finds them gone; the scheduler drops what
    /// comes later, or waits in the mailbox of a process killed from outside).
    fn end(&mut self, cx: &mut Context<'_, Envelope>, outcome: Outcome) -> Step<Envelope> {
        self.finished = true;
        while cx.recv().is_some() {}
        let failed = outcome.is_error();
        let notice = Envelope::Event(Event::ended(
            EventKind::Exit,
            self.shell.record.pid.clone(),
            outcome.clone(),
        ));
        self.shell.finish(outcome);
        if failed {
            Step::Fail(notice)
        } else {
            Step::Done(None)
        }
    }
}

impl Process<Envelope> for Running {
    fn step(&mut self, cx: &mut Context<'_, Envelope>) -> Step<Envelope> {
        if self.shell.record.slot.get().is_none() {
            let _ = self.shell.record.slot.set(cx.pid());
        }
        self.shell.drain_signals(cx);
        if let Some(error) = self.shell.doomed.take() {
            return self.end(cx, Outcome::Error(Arc::new(error)));
        }
        let body = &mut self.body;
        let shell = &mut self.shell;
        let flow = catch_unwind(AssertUnwindSafe(|| {
            body.step(&mut ProcessContext { cx, shell })
        }));
        let flow = match flow {
            Ok(flow) => flow,
            Err(panic) => {
                let text = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic".to_owned());
                Flow::Fail(ErrorValue::new(
                    ErrorKind::Internal,
                    format!("process panicked: {text}"),
                ))
            }
        };
        if let Some(error) = self.shell.doomed.take() {
            return self.end(cx, Outcome::Error(Arc::new(error)));
        }
        match flow {
            Flow::Wait => Step::Wait,
            Flow::Yield => Step::Yield,
            Flow::Done(value) => self.end(cx, Outcome::Normal(value)),
            Flow::Fail(error) => self.end(cx, Outcome::Error(Arc::new(error))),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.finished {
            self.finished = true;
            if self.shell.record.slot.get().is_none() {
                // The scheduler refused the process (or shutdown dropped it before the
                // spawn returned): it never existed for anyone but its spawner.
                self.shell.runtime.abandon(&self.shell.record);
                return;
            }
            // Terminated, or killed by its host's shutdown: the body never ran to an end.
            // Kind `Internal`, as the original's `ErrTerminated`; not retryable, which
            // is how a supervisor here knows the end is final (the original compares
            // the error itself).
            let error =
                ErrorValue::new(ErrorKind::Internal, "process terminated").with_retryable(false);
            self.shell.finish(Outcome::Error(Arc::new(error)));
        }
    }
}
