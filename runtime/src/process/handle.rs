//! [`ProcessHandle`]: a process's own right to act in the runtime (send, spawn, link,
//! monitor, name, cancel, terminate) that it can keep outside a step — e.g. inside the
//! Lua functions its VM calls while the step runs.
//!
//! Owned by the process body; cloning it does not give anyone else a mailbox.

use super::record::ProcessRecord;
use super::spawn_context::SpawnContext;
use super::target::Target;
use crate::error::RuntimeError;
use crate::message::{Event, Payloads, Topic};
use crate::pid::Pid;
use crate::registry::EntryId;
use crate::runtime::{Dest, Runtime, SpawnSpec};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Where a message a process sent went: the process's own mailbox is where a process
/// may want to take it in before it goes on (the Lua driver does, as the original's
/// send hands the message over before it returns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// To another process.
    ToAnother,
    /// To the sender's own mailbox.
    ToItself,
}

/// The runtime operations of one process, usable between and during its steps.
#[derive(Clone, Debug)]
pub struct ProcessHandle {
    pub(crate) runtime: Runtime,
    pub(crate) record: Arc<ProcessRecord>,
}

impl ProcessHandle {
    /// This process's PID.
    pub fn pid(&self) -> &Pid {
        &self.record.pid
    }

    /// The registry entry this process runs, if any.
    pub fn entry_id(&self) -> Option<&EntryId> {
        self.record.entry.as_ref()
    }

    /// The context this process hands down to its spawns (its own, from its spawner).
    pub fn context(&self) -> Option<&Arc<SpawnContext>> {
        self.record.context.as_ref()
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The id of the host this process runs on.
    pub fn host_id(&self) -> &EntryId {
        self.record.host.id()
    }

    /// What the process's host is for (a terminal host gives it the terminal).
    pub fn host_kind(&self) -> crate::host::HostKind {
        self.record.host.kind()
    }

    /// As [`ProcessContext::send`](super::ProcessContext::send), and says whether the
    /// message went to this process itself.
    ///
    /// # Errors
    ///
    /// Reserved topic, dead PID, unknown name.
    pub fn send(
        &self,
        dest: Dest<'_>,
        topic: Topic,
        payloads: Payloads,
    ) -> Result<Sent, RuntimeError> {
        let to = self
            .runtime
            .send_from(Some(&self.record.pid), dest, topic, payloads)?;
        Ok(self.sent_to(&to))
    }

    /// Whether `to` is this process.
    fn sent_to(&self, to: &Arc<ProcessRecord>) -> Sent {
        if Arc::ptr_eq(to, &self.record) {
            Sent::ToItself
        } else {
            Sent::ToAnother
        }
    }

    /// Resolves a PID string or a name once, for [`send_to`](Self::send_to).
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send) for its destination: no live process has that PID, no
    /// process has that name.
    pub fn target(&self, text: &str) -> Result<Target, RuntimeError> {
        self.runtime.target(text)
    }

    /// `true` while `target` still names what its text resolves to: always for a PID, and
    /// for a name until any name is registered or released.
    pub fn target_is_current(&self, target: &Target) -> bool {
        self.runtime.target_is_current(target)
    }

    /// [`send`](Self::send) to a resolved target.
    ///
    /// # Errors
    ///
    /// Reserved topic; the target's process is gone.
    pub fn send_to(
        &self,
        target: &Target,
        topic: Topic,
        payloads: Payloads,
    ) -> Result<Sent, RuntimeError> {
        self.runtime
            .send_to_target(Some(&self.record.pid), target, topic, payloads)?;
        Ok(self.sent_to(&target.record))
    }

    /// Spawns a child (links and monitors name this process).
    ///
    /// # Errors
    ///
    /// As [`Runtime::spawn`].
    pub fn spawn(&self, spec: SpawnSpec) -> Result<Pid, RuntimeError> {
        self.runtime.spawn_from(Some(&self.record), spec)
    }

    /// Links with `dest`.
    ///
    /// # Errors
    ///
    /// When `dest` names no live process.
    pub fn link(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.runtime.link(&self.record, dest)
    }

    /// Removes the link with `dest`.
    ///
    /// # Errors
    ///
    /// When `dest` is malformed.
    pub fn unlink(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.runtime.unlink(&self.record, dest)
    }

    /// Monitors `dest`.
    ///
    /// # Errors
    ///
    /// When `dest` names no live process, or this process monitors it already
    /// ([`RuntimeError::AlreadyMonitoring`]).
    pub fn monitor(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.runtime.monitor(&self.record, dest)
    }

    /// Stops monitoring `dest`: an EXIT of it not yet taken by this process is dropped.
    ///
    /// # Errors
    ///
    /// When `dest` is malformed.
    pub fn unmonitor(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.runtime.unmonitor(&self.record, dest)
    }

    /// Terminates `dest`.
    ///
    /// # Errors
    ///
    /// When `dest` names no live process.
    pub fn terminate(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.runtime.terminate(dest)
    }

    /// Terminates `dest`, and tells whether it is this very process: that one ends once
    /// its current step returns, so its body should return at once, running nothing more.
    ///
    /// # Errors
    ///
    /// When `dest` names no live process.
    pub fn terminate_and_tell_self(&self, dest: Dest<'_>) -> Result<bool, RuntimeError> {
        let record = self.runtime.resolve(dest)?;
        self.runtime.terminate_record(&record)?;
        Ok(record.pid == self.record.pid)
    }

    /// Sends `dest` a CANCEL event.
    ///
    /// # Errors
    ///
    /// When `dest` names no live process.
    pub fn cancel(&self, dest: Dest<'_>, reason: &str) -> Result<(), RuntimeError> {
        self.runtime
            .cancel_from(Some(&self.record.pid), dest, reason)
    }

    /// Registers `name` for `pid` (this process when `None`).
    ///
    /// # Errors
    ///
    /// Name held by another process; `pid` not alive.
    pub fn register(&self, name: &str, pid: Option<Dest<'_>>) -> Result<(), RuntimeError> {
        match pid {
            None => self.runtime.register_record(name, &self.record),
            Some(dest) => {
                let record = self.runtime.resolve(dest)?;
                self.runtime.register_record(name, &record)
            }
        }
    }

    /// Whether LINK_DOWN arrives as an event.
    pub fn trap_links(&self) -> bool {
        self.record.traps_links()
    }

    /// Sets [`trap_links`](Self::trap_links).
    pub fn set_trap_links(&self, trap: bool) {
        self.record.trap_links.store(trap, Ordering::Relaxed);
    }

    /// Hands `event` back to this process as if it had just arrived. For a body that
    /// turns `trap_links` off while a LINK_DOWN it took when links were trapped still
    /// waits undelivered: coming back, the LINK_DOWN fails the process as an untrapped
    /// one does (the original checks `trap_links` when it delivers, not on arrival).
    /// `false` when the process has already ended.
    pub fn redeliver_event(&self, event: Event) -> bool {
        self.runtime.deliver_event(&self.record, event)
    }
}
