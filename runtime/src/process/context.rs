//! [`ProcessContext`]: what a running body may do — receive, send, spawn, link, monitor,
//! name, arm timers — on behalf of its own process.
//!
//! Created by the body wrapper ([`Running`](super::running::Running)) for one step and
//! lent to the body; it borrows the scheduler's context and the process's runtime state.

use super::record::ProcessRecord;
use super::running::Shell;
use crate::error::RuntimeError;
use crate::message::{Event, Message, Payloads, Topic};
use crate::pid::Pid;
use crate::registry::EntryId;
use crate::runtime::{Dest, Runtime, SpawnSpec};
use std::sync::Arc;
use std::time::Duration;
use wippy_scheduler::{Context, Notifier, Source, Timer};

use crate::message::Envelope;

/// A running process's view of the runtime during one step.
pub struct ProcessContext<'a, 'b> {
    pub(crate) cx: &'a mut Context<'b, Envelope>,
    pub(crate) shell: &'a mut Shell,
}

impl std::fmt::Debug for ProcessContext<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessContext")
            .field("pid", &self.shell.record.pid)
            .finish_non_exhaustive()
    }
}

impl ProcessContext<'_, '_> {
    fn record(&self) -> &Arc<ProcessRecord> {
        &self.shell.record
    }

    /// A handle for this process's runtime operations that outlives the step.
    pub fn handle(&self) -> super::ProcessHandle {
        super::ProcessHandle {
            runtime: self.shell.runtime.clone(),
            record: self.shell.record.clone(),
        }
    }

    /// This process's PID.
    pub fn pid(&self) -> &Pid {
        &self.shell.record.pid
    }

    /// Says that the process has booted (for a body whose
    /// [`boots_itself`](super::ProcessBody::boots_itself) is `true`): the spawner's
    /// [`BootWatch`](super::BootWatch), if any, is told now. Later calls do nothing.
    pub fn booted(&mut self) {
        self.shell.booted = true;
        if let Some(watch) = self.shell.boot_watch.take() {
            watch.booted(&self.shell.record.pid);
        }
    }

    /// Says that booting takes long (the body's boot waits for something, or has used up
    /// a time slice): the spawner's [`BootWatch`](super::BootWatch), if any, hears
    /// [`boot_delayed`](super::BootWatch::boot_delayed) and stays for the boot. Does
    /// nothing once the process has booted.
    pub fn boot_delayed(&mut self) {
        if let Some(watch) = &self.shell.boot_watch {
            watch.boot_delayed(&self.shell.record.pid);
        }
    }

    /// The registry entry this process runs, if it was spawned from one.
    pub fn entry_id(&self) -> Option<&EntryId> {
        self.shell.record.entry.as_ref()
    }

    /// The runtime this process belongs to.
    pub fn runtime(&self) -> &Runtime {
        &self.shell.runtime
    }

    /// The next ordinary message, if one is waiting. An event met on the way (a CANCEL
    /// travels in line with messages) is set aside for [`recv_event`](Self::recv_event).
    pub fn recv_message(&mut self) -> Option<Message> {
        if let Some(message) = self.shell.held.as_mut().and_then(|held| held.pop_front()) {
            return Some(message);
        }
        loop {
            match self.cx.recv()? {
                Envelope::Message(message) => return Some(message),
                Envelope::Event(event) => self.shell.accept_event(event),
            }
        }
    }

    /// The next message or in-line event, in the order they reached this process: the
    /// receive of a body that keeps the order between messages and events itself (read
    /// the others with [`recv_signaled_event`](Self::recv_signaled_event)).
    ///
    /// Events travel in two ways. A CANCEL, whether from a process or from outside any,
    /// travels in line with messages, so that a process's `cancel` and the messages it
    /// sends arrive in the order it did them (as in the original, whose one queue holds
    /// both). EXIT and LINK_DOWN travel as scheduler signals, which wake the process at
    /// the back of its worker's queue; they are sent after everything the ended process
    /// sent, so a body that reads them after the messages of the same step keeps that
    /// order. An event this process does not get (see `Shell::admit_event`) is skipped.
    pub fn recv_mail(&mut self) -> Option<Envelope> {
        if let Some(message) = self.shell.held.as_mut().and_then(|held| held.pop_front()) {
            return Some(Envelope::Message(message));
        }
        loop {
            match self.cx.recv()? {
                Envelope::Event(event) => {
                    if let Some(event) = self.shell.admit_event(event) {
                        return Some(Envelope::Event(event));
                    }
                }
                message => return Some(message),
            }
        }
    }

    /// `true` when a message or an event may be waiting (see
    /// [`Context::has_pending`](wippy_scheduler::Context::has_pending)).
    pub fn has_pending(&self) -> bool {
        !self.shell.events.is_empty()
            || self
                .shell
                .held
                .as_ref()
                .is_some_and(|held| !held.is_empty())
            || self.cx.has_pending()
    }

    /// The next lifecycle event (EXIT, LINK_DOWN when links are trapped, CANCEL), if one
    /// is waiting, before the messages that wait beside it. To reach a CANCEL queued
    /// behind messages, the messages are taken out of the mailbox and held, in order,
    /// for [`recv_message`](Self::recv_message).
    pub fn recv_event(&mut self) -> Option<Event> {
        self.shell.drain_signals(self.cx);
        if self.shell.events.is_empty() {
            while let Some(envelope) = self.cx.recv() {
                match envelope {
                    Envelope::Message(message) => {
                        self.shell.held.get_or_insert_default().push_back(message);
                    }
                    Envelope::Event(event) => self.shell.accept_event(event),
                }
            }
        }
        self.shell.events.pop_front()
    }

    /// The next lifecycle event that travels as a scheduler signal (EXIT, LINK_DOWN when
    /// links are trapped, the CANCEL of a host's shutdown), for a body that reads the
    /// mailbox with [`recv_mail`](Self::recv_mail). Leaves the mailbox alone.
    pub fn recv_signaled_event(&mut self) -> Option<Event> {
        self.shell.drain_signals(self.cx);
        self.shell.events.pop_front()
    }

    /// `true` when an untrapped LINK_DOWN has doomed this process: it fails as soon as
    /// this step returns, so the body need not go on.
    pub fn is_doomed(&self) -> bool {
        self.shell.doomed.is_some()
    }

    /// Sends `topic` with `payloads` to `dest` (a PID or a registered name).
    ///
    /// # Errors
    ///
    /// [`RuntimeError::ReservedTopic`] for `@` topics, [`RuntimeError::ProcessNotFound`]
    /// when the PID is dead or unknown, [`RuntimeError::Unresolved`] for an unknown name.
    pub fn send(
        &self,
        dest: Dest<'_>,
        topic: impl Into<Topic>,
        payloads: Payloads,
    ) -> Result<(), RuntimeError> {
        self.shell
            .runtime
            .send_from(Some(&self.record().pid), dest, topic.into(), payloads)
            .map(drop)
    }

    /// Spawns a process as this process's child (links and monitors name this process).
    ///
    /// # Errors
    ///
    /// As [`Runtime::spawn`].
    pub fn spawn(&self, spec: SpawnSpec) -> Result<Pid, RuntimeError> {
        self.shell.runtime.spawn_from(Some(self.record()), spec)
    }

    /// Links this process with `dest` (both directions).
    ///
    /// # Errors
    ///
    /// When `dest` does not name a live process.
    pub fn link(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.shell.runtime.link(self.record(), dest)
    }

    /// Removes the link with `dest`, if any.
    ///
    /// # Errors
    ///
    /// When `dest` is not a valid destination.
    pub fn unlink(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.shell.runtime.unlink(self.record(), dest)
    }

    /// Monitors `dest`: an EXIT event arrives when it ends.
    ///
    /// # Errors
    ///
    /// When `dest` does not name a live process.
    pub fn monitor(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.shell.runtime.monitor(self.record(), dest)
    }

    /// Stops monitoring `dest`; no EXIT event about it arrives afterwards.
    ///
    /// # Errors
    ///
    /// When `dest` is not a valid destination.
    pub fn unmonitor(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.shell.runtime.unmonitor(self.record(), dest)
    }

    /// Ends `dest` forcefully, with an error.
    ///
    /// # Errors
    ///
    /// When `dest` does not name a live process.
    pub fn terminate(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.shell.runtime.terminate(dest)
    }

    /// Sends `dest` a CANCEL event with `reason`.
    ///
    /// # Errors
    ///
    /// When `dest` does not name a live process.
    pub fn cancel(&self, dest: Dest<'_>, reason: &str) -> Result<(), RuntimeError> {
        self.shell
            .runtime
            .cancel_from(Some(&self.record().pid), dest, reason)
    }

    /// Registers `name` for this process (idempotent).
    ///
    /// # Errors
    ///
    /// [`RuntimeError::NameTaken`] when another process holds it.
    pub fn register(&self, name: &str) -> Result<(), RuntimeError> {
        self.shell.runtime.register_record(name, self.record())
    }

    /// Whether LINK_DOWN arrives as an event (`true`) or fails this process (`false`).
    pub fn trap_links(&self) -> bool {
        self.record().traps_links()
    }

    /// Sets [`trap_links`](Self::trap_links).
    pub fn set_trap_links(&self, trap: bool) {
        self.record()
            .trap_links
            .store(trap, std::sync::atomic::Ordering::Relaxed);
    }

    /// A one-shot timer that wakes this process after `after`.
    pub fn timer(&self, after: Duration) -> Timer {
        self.cx.timer(after)
    }

    /// A periodic timer that wakes this process every `period`.
    pub fn ticker(&self, period: Duration) -> Timer {
        self.cx.ticker(period)
    }

    /// The first ready source, in order (see [`Context::select`]). Events count as the
    /// scheduler's signal source.
    pub fn select(&mut self, sources: &[Source<'_>]) -> Option<usize> {
        self.cx.select(sources)
    }

    /// `true` once this step has used its time slice; return [`Flow::Yield`](super::Flow::Yield).
    pub fn should_yield(&self) -> bool {
        self.cx.should_yield()
    }

    /// A handle that wakes this process from any thread (for I/O completions).
    pub fn notifier(&self) -> Notifier {
        self.cx.notifier()
    }
}
