//! [`MailboxRef`]: a process's mailbox found once, for a sender that writes to the same
//! process again and again.
//!
//! [`Handle::send`](crate::Handle::send) finds the process by PID in the process table
//! on every message (an epoch-protected read). A `MailboxRef` holds the process's cell
//! itself, so its sends skip that lookup. Holding one keeps the cell's memory (not the
//! process) alive: once the process has exited, sends through it fail as sends to its
//! PID would, and whatever a send raced into the mailbox of an exiting process is
//! dropped with the cell, as the table path drops what it raced in.

use crate::cell::Task;
use crate::error::SendError;
use crate::pid::Pid;
use crate::shared::{Placement, Shared};
use std::sync::Arc;

/// The mailbox of one process (see the module docs). Cheap to clone.
pub struct MailboxRef<M: Send + Sync + 'static> {
    cell: Task<M>,
    shared: Arc<Shared<M>>,
}

impl<M: Send + Sync + 'static> MailboxRef<M> {
    pub(crate) fn new(cell: Task<M>, shared: Arc<Shared<M>>) -> Self {
        MailboxRef { cell, shared }
    }

    /// The process this mailbox belongs to.
    pub fn pid(&self) -> Pid {
        crate::table::Entry::pid(&*self.cell)
    }

    /// Sends a message, as [`Handle::send`](crate::Handle::send) does; hands it back once
    /// the process has exited.
    ///
    /// # Errors
    ///
    /// The process has exited.
    pub fn send(&self, message: M) -> Result<(), SendError<M>> {
        if self.cell.state.is_done() {
            return Err(SendError(message));
        }
        self.cell.mailbox.push(message);
        self.shared.wake_cell_at(&self.cell, Placement::Next);
        Ok(())
    }
}

impl<M: Send + Sync + 'static> Clone for MailboxRef<M> {
    fn clone(&self) -> Self {
        MailboxRef {
            cell: Arc::clone(&self.cell),
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<M: Send + Sync + 'static> std::fmt::Debug for MailboxRef<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailboxRef")
            .field("pid", &self.pid())
            .finish_non_exhaustive()
    }
}
