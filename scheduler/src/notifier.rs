//! A handle that wakes one process from any thread: the building block for waitables
//! that are not mailboxes or timers.

use crate::pid::Pid;
use crate::shared::Shared;
use std::sync::{Arc, Weak};

/// Type erasure for [`Notifier`]: anything that can wake a process by id.
trait WakeByPid: Send + Sync {
    fn wake(self: Arc<Self>, pid: Pid);
}

impl<M: Send + Sync + 'static> WakeByPid for Shared<M> {
    fn wake(self: Arc<Self>, pid: Pid) {
        Shared::wake(&self, pid);
    }
}

/// Wakes one process, as a message would, without delivering anything. Clone it into
/// whatever makes your waitable ready; the process then checks the waitable in its
/// next step (e.g. through [`Source::Ready`](crate::Source::Ready)).
///
/// It does not keep the scheduler alive; waking an exited process does nothing.
#[derive(Clone)]
pub struct Notifier {
    pid: Pid,
    scheduler: Weak<dyn WakeByPid>,
}

impl Notifier {
    pub(crate) fn new<M: Send + Sync + 'static>(pid: Pid, shared: &Arc<Shared<M>>) -> Self {
        let shared: Arc<dyn WakeByPid> = Arc::clone(shared) as Arc<dyn WakeByPid>;
        Self {
            pid,
            scheduler: Arc::downgrade(&shared),
        }
    }

    /// The process this notifier wakes.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// Wakes the process. Wake-ups coalesce: many before the next step cause one run.
    pub fn notify(&self) {
        if let Some(scheduler) = self.scheduler.upgrade() {
            scheduler.wake(self.pid);
        }
    }
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier").field("pid", &self.pid).finish()
    }
}
