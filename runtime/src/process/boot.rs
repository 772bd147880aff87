//! Boot notification: who learns that a spawned process has *booted*, that is, has got
//! past what could make its start fail.
//!
//! For a Lua process that is its chunk having run and the entry's method having been
//! found (the original's spawn does both before it returns, so a script that fails at its
//! top level fails the spawn). A service's supervisor asks for it, so that the services
//! that depend on one start only once it has booted.
//!
//! Ownership: the spawner hands a [`BootWatch`] to [`SpawnSpec::boot_watch`]; the
//! runtime keeps it with the process (its scheduler-side wrapper) and calls it at most
//! once, then drops it: from the process's own step, or, for a body that does not say
//! itself when it has booted, from the spawn, once the scheduler has the process. A
//! process that ends before it boots tells it so instead
//! ([`BootWatch::failed_to_boot`]).
//!
//! [`SpawnSpec::boot_watch`]: crate::SpawnSpec::boot_watch

use crate::message::Outcome;
use crate::pid::Pid;

/// Told once when a spawned process has booted.
///
/// Bodies whose [`ProcessBody::boots_itself`](crate::process::ProcessBody::boots_itself)
/// is `false` count as booted when the spawn succeeds; the others say when, with
/// [`ProcessContext::booted`](crate::process::ProcessContext::booted).
///
/// Every method is called on the thread running the process's step (or the spawner's,
/// for a body that does not boot itself, or the one dropping a killed process): none may
/// block.
pub trait BootWatch: std::fmt::Debug + Send + Sync + 'static {
    /// The process `pid` has booted.
    fn booted(&self, pid: &Pid);

    /// The boot of `pid` takes long: what it runs to boot waits for something, or has
    /// used up a time slice ([`ProcessContext::boot_delayed`]). A spawner waiting for the
    /// boot may go on. [`booted`](Self::booted) or
    /// [`failed_to_boot`](Self::failed_to_boot) may still come.
    ///
    /// [`ProcessContext::boot_delayed`]: crate::process::ProcessContext::boot_delayed
    fn boot_delayed(&self, _pid: &Pid) {}

    /// The process `pid` ended with `outcome` before it booted. Returns the PID of a
    /// spawner that takes this as the failure of its spawn: the link and the monitor
    /// that spawner asked for then deliver nothing to it (for that spawner, the process
    /// never started).
    fn failed_to_boot(&self, _pid: &Pid, _outcome: &Outcome) -> Option<Pid> {
        None
    }
}
