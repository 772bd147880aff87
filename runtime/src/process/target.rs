//! [`Target`]: a destination resolved once, for a sender that writes to the same process
//! again and again (a client to its server, the two sides of a ping-pong).
//!
//! Resolving a PID string parses it and looks the process up in the directory; a target
//! keeps what that found. A target resolved from a PID names one process for good (PIDs
//! are never reused): once that process is gone, sends to it fail as sends to its PID
//! would. One resolved from a name holds only while no name changes (the name registry
//! counts its changes); after that, the sender resolves the name again.

use super::record::ProcessRecord;
use crate::message::Envelope;
use crate::pid::Pid;
use std::sync::Arc;
use wippy_scheduler::MailboxRef;

/// A live-or-dead process found by PID. Holding one keeps the process's record (not the
/// process) alive, and, while it ran when the target was made, its scheduler cell, so
/// that sends go straight to its mailbox.
#[derive(Clone, Debug)]
pub struct Target {
    pub(crate) record: Arc<ProcessRecord>,
    /// For a target found by name: the name registry's generation at the lookup.
    pub(crate) name_generation: Option<u64>,
    /// The process's mailbox, when it had started (see [`MailboxRef`]).
    pub(crate) mailbox: Option<MailboxRef<Envelope>>,
}

impl Target {
    /// The PID this target names.
    pub fn pid(&self) -> &Pid {
        &self.record.pid
    }
}
