//! Hosts: each `process.host` (and `terminal.host`) entry is one scheduler instance.
//!
//! The runtime owns its hosts. A host owns its scheduler until the runtime shuts it down;
//! process records keep an `Arc<Host>` so that a send reaches the scheduler's handle
//! without any lookup by name.

use crate::message::Envelope;
use crate::pid::{Pid, PidHost};
use crate::registry::EntryId;
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;
use wippy_scheduler::{Handle, Scheduler, Shutdown, ShutdownReport};

/// How long a host's killed processes get to leave the step they are in at shutdown
/// before it gives up on them ([`Host::stop`]).
pub const ABANDON_AFTER: Duration = Duration::from_secs(1);

/// What a host is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    /// A `process.host`: runs any number of processes.
    Process,
    /// A `terminal.host`: runs the one process that owns the terminal.
    Terminal,
    /// The runtime's own host (`node:control`), where supervisors run.
    Control,
}

/// One started host.
#[derive(Debug)]
pub struct Host {
    id: EntryId,
    kind: HostKind,
    pid_host: Arc<PidHost>,
    handle: Handle<Envelope>,
    scheduler: Mutex<Option<Scheduler<Envelope>>>,
    /// A terminal host's process (the last one spawned on it; it may have ended).
    occupant: Mutex<Option<Pid>>,
}

impl Host {
    pub(crate) fn start(
        id: EntryId,
        kind: HostKind,
        pid_host: Arc<PidHost>,
        workers: usize,
    ) -> Result<Arc<Host>, wippy_scheduler::BuildError> {
        let scheduler = Scheduler::<Envelope>::builder()
            .workers(workers)
            .name(id.as_str())
            .build()?;
        Ok(Arc::new(Host {
            id,
            kind,
            pid_host,
            handle: scheduler.handle(),
            scheduler: Mutex::new(Some(scheduler)),
            occupant: Mutex::new(None),
        }))
    }

    /// A terminal host runs exactly one process (reference §2.3): claims it for `pid`,
    /// unless the process that holds it is still live (`is_live`), whose PID comes back.
    /// Other hosts take any number of processes (`Ok(None)`).
    ///
    /// The guard keeps other spawns onto this terminal waiting: the spawner holds it
    /// until the new process's record is published (or the spawn failed), so that two
    /// spawns racing for a free terminal cannot both pass. Nothing that holds it may
    /// spawn onto this host again.
    pub(crate) fn claim_terminal(
        &self,
        pid: &Pid,
        is_live: impl Fn(&Pid) -> bool,
    ) -> Result<Option<parking_lot::MutexGuard<'_, Option<Pid>>>, Pid> {
        if self.kind != HostKind::Terminal {
            return Ok(None);
        }
        let mut occupant = self.occupant.lock();
        if let Some(current) = occupant.as_ref() {
            if is_live(current) {
                return Err(current.clone());
            }
        }
        *occupant = Some(pid.clone());
        Ok(Some(occupant))
    }

    /// The host's entry id.
    pub fn id(&self) -> &EntryId {
        &self.id
    }

    /// What the host is for.
    pub fn kind(&self) -> HostKind {
        self.kind
    }

    /// Worker threads of the host's scheduler.
    pub fn workers(&self) -> usize {
        self.handle.workers()
    }

    pub(crate) fn pid_host(&self) -> &Arc<PidHost> {
        &self.pid_host
    }

    pub(crate) fn handle(&self) -> &Handle<Envelope> {
        &self.handle
    }

    /// Stops the scheduler: cancels every process, kills those still running after
    /// `grace`, joins the workers; gives up on killed processes still inside a step
    /// [`ABANDON_AFTER`] later (a Lua process stuck in a long C call, or in a coroutine of
    /// its script's own that never returns), leaving them and the host's threads behind,
    /// so that a shutdown always ends. Idempotent.
    pub(crate) fn stop(&self, grace: Duration) -> ShutdownReport {
        let scheduler = self.scheduler.lock().take();
        match scheduler {
            Some(scheduler) => scheduler
                .shutdown(Shutdown::new("scheduler shutdown", grace).abandon_after(ABANDON_AFTER)),
            None => ShutdownReport::default(),
        }
    }
}
