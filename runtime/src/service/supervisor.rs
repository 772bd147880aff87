//! The supervisor of one `process.service`: a Rust process on the runtime's control host
//! that runs the service's process, restarts it after error exits with back-off, and
//! stops it on CANCEL (CANCEL to the child, then terminate after `stop_timeout`).
//!
//! Its state is published in a [`ServiceStatus`] that the lifecycle and tests read. The
//! supervisor writes it, except for one transition: the child's [`BootWatch`] (called on
//! the child's thread) moves [`ServiceState::Starting`] to [`ServiceState::Running`]
//! when the child has booted. The start of the runtime waits for that before it starts
//! the service's dependents, as the original's sequencer waits for its `Start()`.
//!
//! A child that has not booted within the lifecycle's `start_timeout` is terminated, and
//! counts as a failed run (retried per the restart policy).
//!
//! A supervisor started by a registry change may first wait ([`StartAfter`]): for the
//! previous supervisors of its id to end, and for the services its entry depends on to
//! boot a process. It stays [`ServiceState::Starting`] without a child meanwhile; CANCEL
//! stops it there, and a dependency that ends without booting ends it `Failed`.

use super::backoff;
use crate::message::{EventKind, Outcome, Payloads};
use crate::payload::{ErrorKind, ErrorValue};
use crate::pid::Pid;
use crate::process::{BootWatch, Flow, ProcessBody, ProcessContext};
use crate::registry::{EntryId, Lifecycle};
use crate::runtime::{Dest, SpawnSpec};
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use wippy_scheduler::Timer;

/// Where a service is in its life.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ServiceState {
    /// Its process is spawned (or about to be) and has not booted yet.
    Starting,
    /// Its process has booted (a Lua process: its chunk ran and its method was found)
    /// and runs.
    Running,
    /// Its process failed; it restarts after the delay.
    Restarting {
        /// The delay chosen for this restart.
        delay: Duration,
    },
    /// Stop requested; waiting for the process to end.
    Stopping,
    /// Stopped on request.
    Stopped,
    /// The process ended normally, or with an error that is not retried: no restart.
    Exited,
    /// Gave up: `max_attempts` runs failed.
    Failed,
}

impl ServiceState {
    /// `true` once the supervisor has ended.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            ServiceState::Stopped | ServiceState::Exited | ServiceState::Failed
        )
    }
}

/// How many start times a [`ServiceSnapshot`] keeps.
pub const START_HISTORY: usize = 64;

/// A snapshot of a service's supervision.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServiceSnapshot {
    /// The current state.
    pub state: ServiceState,
    /// The running process, if any.
    pub child: Option<Pid>,
    /// Restarts made so far.
    pub restarts: u64,
    /// How many of its processes' runs have failed so far (each one restarted, or the
    /// last one given up on).
    pub failures: u64,
    /// How many of its processes have booted so far: once one has, the service counts
    /// as started for the entries that depend on it, whatever happens to it later.
    pub boots: u64,
    /// The consecutive-failure counter the back-off uses (reset after a stable run).
    pub attempt: u32,
    /// When the last [`START_HISTORY`] processes were started, in order (`restarts`
    /// counts every one): a service that crash-loops for days keeps a bounded history.
    pub starts: Vec<Instant>,
    /// The last error exit, if any.
    pub last_error: Option<Arc<ErrorValue>>,
}

/// A service's published state; the supervisor writes, anyone may read and wait.
#[derive(Debug)]
pub struct ServiceStatus {
    snapshot: Mutex<ServiceSnapshot>,
    changed: Condvar,
}

impl ServiceStatus {
    fn new() -> Arc<ServiceStatus> {
        Arc::new(ServiceStatus {
            snapshot: Mutex::new(ServiceSnapshot {
                state: ServiceState::Starting,
                child: None,
                restarts: 0,
                boots: 0,
                failures: 0,
                attempt: 0,
                starts: Vec::new(),
                last_error: None,
            }),
            changed: Condvar::new(),
        })
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> ServiceSnapshot {
        self.snapshot.lock().clone()
    }

    /// Waits until `done` holds for the snapshot, or `timeout` passes; returns the last
    /// snapshot and whether `done` held.
    pub fn wait_for(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&ServiceSnapshot) -> bool,
    ) -> (ServiceSnapshot, bool) {
        let deadline = Instant::now() + timeout;
        let mut snapshot = self.snapshot.lock();
        loop {
            if done(&snapshot) {
                return (snapshot.clone(), true);
            }
            if self.changed.wait_until(&mut snapshot, deadline).timed_out() {
                let held = done(&snapshot);
                return (snapshot.clone(), held);
            }
        }
    }

    fn update<R>(&self, f: impl FnOnce(&mut ServiceSnapshot) -> R) -> R {
        let result = f(&mut self.snapshot.lock());
        self.changed.notify_all();
        result
    }
}

/// The [`BootWatch`] a supervisor gives its child: marks the service running once the
/// child has booted *and* the supervisor has recorded the spawn (whichever comes second
/// does it, under the status's lock, so that a reader who sees `Running` also sees the
/// child and its start), unless the supervisor has moved on (stopping, or it gave up on
/// this child after `start_timeout`). No stale child can call it: a child boots before
/// it exits, and the supervisor starts the next one only after the exit.
///
/// The flags are read and written under the status's lock only.
#[derive(Debug)]
struct ChildBooted {
    status: Arc<ServiceStatus>,
    /// The child has booted.
    booted: AtomicBool,
    /// The supervisor has recorded the spawn (child and start time).
    recorded: AtomicBool,
    /// The supervisor gave up waiting for this child.
    abandoned: AtomicBool,
    /// When the service went `Running` with this child: a run is stable from there.
    booted_at: OnceLock<Instant>,
}

impl ChildBooted {
    fn new(status: Arc<ServiceStatus>) -> ChildBooted {
        ChildBooted {
            status,
            booted: AtomicBool::new(false),
            recorded: AtomicBool::new(false),
            abandoned: AtomicBool::new(false),
            booted_at: OnceLock::new(),
        }
    }

    /// Under the status's lock: `Running` once both sides are done.
    fn settle(&self, s: &mut ServiceSnapshot) {
        let both = self.booted.load(Ordering::Relaxed) && self.recorded.load(Ordering::Relaxed);
        if both && s.state == ServiceState::Starting && !self.abandoned.load(Ordering::Relaxed) {
            s.state = ServiceState::Running;
            s.boots += 1;
            let _ = self.booted_at.set(Instant::now());
        }
    }
}

impl BootWatch for ChildBooted {
    fn booted(&self, _pid: &Pid) {
        self.status.update(|s| {
            self.booted.store(true, Ordering::Relaxed);
            self.settle(s);
        });
    }
}

/// What a supervisor runs.
#[derive(Clone, Debug)]
pub(crate) struct ServiceSpec {
    pub(crate) id: EntryId,
    pub(crate) process: EntryId,
    pub(crate) host: EntryId,
    pub(crate) input: Payloads,
    pub(crate) lifecycle: Lifecycle,
}

/// What a service started by a registry change waits for before it starts its first
/// process, as a boot waits (a boot orders its starts itself and passes nothing here):
/// the previous supervisors of the same service id, still stopping their processes (a
/// delete and create, or a change of kind, while the old process runs), and the services the
/// entry depends on (`requires`, references), which must have booted a process.
#[derive(Debug, Default)]
pub(crate) struct StartAfter {
    /// The supervisors of the service's previous entries, each until its EXIT.
    pub(crate) predecessors: Vec<Pid>,
    /// The services depended on, until each has booted a process.
    pub(crate) services: Vec<(EntryId, Arc<ServiceStatus>)>,
}

/// How often a supervisor waiting for the services its entry depends on looks at them.
const DEPENDENCY_POLL: Duration = Duration::from_millis(5);

#[derive(Debug, PartialEq)]
enum Phase {
    Init,
    /// Waiting for what [`StartAfter`] names.
    Waiting,
    Running,
    Backoff,
    Stopping,
    Done,
}

/// A spec the service's entry was updated to while it runs: its supervisor takes it at
/// the next start of the process (as the original's service manager stores an updated
/// config for the next start, leaving the running process be).
pub(crate) type SpecUpdate = Arc<parking_lot::Mutex<Option<ServiceSpec>>>;

pub(crate) struct Supervisor {
    spec: ServiceSpec,
    /// Written by `lifecycle::act_on_changes`, taken here at each start.
    update: SpecUpdate,
    status: Arc<ServiceStatus>,
    phase: Phase,
    child: Option<Pid>,
    started_at: Instant,
    attempt: u32,
    timer: Option<Timer>,
    /// The current child's boot watch.
    child_boot: Option<Arc<ChildBooted>>,
    /// The child did not boot within `start_timeout` and was terminated: its exit is a
    /// failed start, whatever it says.
    start_timed_out: bool,
    /// What the first start still waits for.
    after: StartAfter,
}

impl Supervisor {
    pub(crate) fn new(
        spec: ServiceSpec,
        after: StartAfter,
    ) -> (Supervisor, Arc<ServiceStatus>, SpecUpdate) {
        let status = ServiceStatus::new();
        let update = SpecUpdate::default();
        let supervisor = Supervisor {
            spec,
            update: update.clone(),
            status: status.clone(),
            phase: Phase::Init,
            child: None,
            started_at: Instant::now(),
            attempt: 0,
            timer: None,
            child_boot: None,
            start_timed_out: false,
            after,
        };
        (supervisor, status, update)
    }

    /// The first step: starts the process, or waits for what [`StartAfter`] names.
    fn begin(&mut self, cx: &mut ProcessContext<'_, '_>) {
        // One gone already is not waited for (a live one's EXIT arrives).
        let id = &self.spec.id;
        self.after.predecessors.retain(|predecessor| {
            let live = cx.monitor(Dest::Pid(predecessor)).is_ok();
            if live {
                tracing::info!(service = %id, %predecessor, "service waits for its previous process to stop");
            }
            live
        });
        self.phase = Phase::Waiting;
        self.check_waits(cx);
    }

    /// Starts the process once nothing is waited for any more; gives up when a service
    /// depended on ended without booting, as a boot does not start such an entry.
    fn check_waits(&mut self, cx: &mut ProcessContext<'_, '_>) {
        let mut did_not_start = None;
        self.after.services.retain(|(id, status)| {
            let snapshot = status.snapshot();
            if snapshot.boots == 0 && snapshot.state.is_final() {
                did_not_start.get_or_insert_with(|| id.clone());
            }
            snapshot.boots == 0
        });
        if let Some(dependency) = did_not_start {
            let error = ErrorValue::new(
                ErrorKind::Internal,
                format!("not started: requires {dependency}, which did not start"),
            );
            tracing::error!(service = %self.spec.id, %error, "service not started");
            self.status.update(|s| s.last_error = Some(Arc::new(error)));
            self.finish(ServiceState::Failed);
            return;
        }
        if self.after.predecessors.is_empty() && self.after.services.is_empty() {
            self.start_child(cx);
        } else if !self.after.services.is_empty() {
            self.timer = Some(cx.timer(DEPENDENCY_POLL));
        }
    }

    fn start_child(&mut self, cx: &mut ProcessContext<'_, '_>) {
        if let Some(updated) = self.update.lock().take() {
            tracing::info!(service = %self.spec.id, "service started with its updated entry");
            self.spec = updated;
        }
        let spec = SpawnSpec::new(self.spec.process.as_str(), self.spec.host.as_str())
            .args(self.spec.input.iter().cloned())
            .monitored();
        let boot = Arc::new(ChildBooted::new(self.status.clone()));
        let spec = spec.boot_watch(boot.clone());
        self.child_boot = Some(boot.clone());
        self.started_at = Instant::now();
        self.start_timed_out = false;
        self.status.update(|s| s.state = ServiceState::Starting);
        match cx.spawn(spec) {
            Ok(pid) => {
                tracing::info!(service = %self.spec.id, %pid, "service process started");
                self.child = Some(pid.clone());
                self.phase = Phase::Running;
                self.timer = Some(cx.timer(self.spec.lifecycle.start_timeout));
                let started = self.started_at;
                // The child may have booted already (on another worker): then it is
                // `Running` from here.
                self.status.update(|s| {
                    s.child = Some(pid);
                    s.starts.push(started);
                    if s.starts.len() > START_HISTORY {
                        s.starts.drain(..s.starts.len() - START_HISTORY);
                    }
                    boot.recorded.store(true, Ordering::Relaxed);
                    boot.settle(s);
                });
            }
            Err(error) => {
                let error = Arc::new(error.to_error_value());
                tracing::error!(service = %self.spec.id, %error, "service process failed to start");
                self.child_failed(cx, error);
            }
        }
    }

    fn child_exited(&mut self, cx: &mut ProcessContext<'_, '_>, outcome: Outcome) {
        self.child = None;
        self.timer = None;
        if std::mem::take(&mut self.start_timed_out) {
            let error = ErrorValue::new(
                ErrorKind::Timeout,
                format!(
                    "service process did not start within start_timeout ({:?})",
                    self.spec.lifecycle.start_timeout
                ),
            );
            self.child_failed(cx, Arc::new(error));
            return;
        }
        match outcome {
            Outcome::Normal(_) => {
                tracing::info!(service = %self.spec.id, "service process exited normally; not restarted");
                self.finish(ServiceState::Exited);
            }
            Outcome::Error(error) if error.retryable() == Some(false) => {
                tracing::warn!(service = %self.spec.id, %error, "service process ended with a non-retryable error; not restarted");
                self.status.update(|s| s.last_error = Some(error));
                self.finish(ServiceState::Exited);
            }
            Outcome::Error(error) => self.child_failed(cx, error),
        }
    }

    fn child_failed(&mut self, cx: &mut ProcessContext<'_, '_>, error: Arc<ErrorValue>) {
        let policy = &self.spec.lifecycle.restart;
        // A run is stable once it has run `stable_threshold` since its boot, as the
        // original's controller counts from a successful start: a run that never booted
        // (a failing top level, a `start_timeout`) never resets the count.
        let booted_at = self.child_boot.as_ref().and_then(|b| b.booted_at.get());
        if booted_at.is_some_and(|t| t.elapsed() >= self.spec.lifecycle.stable_threshold) {
            self.attempt = 0;
        }
        // This failure's number: as the original's controller, `max_attempts` counts the
        // runs that failed, so a service with `max_attempts: 3` runs at most three times.
        let failures = self.attempt + 1;
        if policy.max_attempts > 0 && failures >= policy.max_attempts {
            tracing::error!(service = %self.spec.id, %error, attempts = failures, "service gave up after max_attempts");
            self.status.update(|s| {
                s.last_error = Some(error);
                s.failures += 1;
            });
            self.finish(ServiceState::Failed);
            return;
        }
        let delay = backoff::delay(policy, self.attempt);
        self.attempt = failures;
        tracing::warn!(service = %self.spec.id, %error, ?delay, attempt = self.attempt, "service process failed; restarting");
        self.phase = Phase::Backoff;
        self.timer = Some(cx.timer(delay));
        let attempt = self.attempt;
        self.status.update(|s| {
            s.state = ServiceState::Restarting { delay };
            s.child = None;
            s.attempt = attempt;
            s.last_error = Some(error);
            s.failures += 1;
        });
    }

    fn begin_stop(&mut self, cx: &mut ProcessContext<'_, '_>) {
        match self.child.clone() {
            Some(child) if self.phase == Phase::Running => {
                self.phase = Phase::Stopping;
                self.status.update(|s| s.state = ServiceState::Stopping);
                if cx.cancel(Dest::Pid(&child), "service stopping").is_err() {
                    // Already gone; its EXIT is on the way.
                }
                self.timer = Some(cx.timer(self.spec.lifecycle.stop_timeout));
            }
            _ => {
                self.timer = None;
                self.finish(ServiceState::Stopped);
            }
        }
    }

    fn finish(&mut self, state: ServiceState) {
        if state == ServiceState::Stopped {
            tracing::info!(service = %self.spec.id, "service stopped");
        }
        self.phase = Phase::Done;
        self.timer = None;
        self.status.update(|s| {
            s.state = state;
            s.child = None;
        });
    }
}

impl ProcessBody for Supervisor {
    fn step(&mut self, cx: &mut ProcessContext<'_, '_>) -> Flow {
        if self.phase == Phase::Init {
            self.begin(cx);
        }
        while let Some(event) = cx.recv_event() {
            match event.kind {
                EventKind::Cancel if self.phase != Phase::Stopping && self.phase != Phase::Done => {
                    self.begin_stop(cx);
                }
                EventKind::Exit
                    if event
                        .from
                        .as_ref()
                        .is_some_and(|from| self.after.predecessors.contains(from)) =>
                {
                    self.after
                        .predecessors
                        .retain(|p| Some(p) != event.from.as_ref());
                    if self.phase == Phase::Waiting {
                        self.check_waits(cx);
                    }
                }
                EventKind::Exit if event.from.is_some() && event.from == self.child => {
                    let outcome = event.outcome.unwrap_or(Outcome::Normal(Default::default()));
                    if self.phase == Phase::Stopping {
                        self.child = None;
                        self.finish(ServiceState::Stopped);
                    } else {
                        self.child_exited(cx, outcome);
                    }
                }
                _ => {}
            }
        }
        while cx.recv_message().is_some() {}
        if self.timer.as_ref().is_some_and(Timer::fired) {
            self.timer = None;
            match self.phase {
                Phase::Waiting => self.check_waits(cx),
                Phase::Backoff => {
                    self.status.update(|s| s.restarts += 1);
                    cx.runtime().inner.counters.restart();
                    tracing::info!(service = %self.spec.id, "service restart");
                    self.start_child(cx);
                }
                Phase::Running => {
                    // `start_timeout` after the spawn: has the child booted?
                    let boot = self.child_boot.clone();
                    let timed_out = self.status.update(|s| {
                        let waiting = s.state == ServiceState::Starting;
                        if let (true, Some(boot)) = (waiting, boot) {
                            // From here its boot no longer counts (`ChildBooted`); it
                            // stays `Starting` until its exit is a failed run.
                            boot.abandoned.store(true, Ordering::Relaxed);
                        }
                        waiting
                    });
                    if let (true, Some(child)) = (timed_out, self.child.clone()) {
                        tracing::warn!(service = %self.spec.id, %child, timeout = ?self.spec.lifecycle.start_timeout, "service process did not start within start_timeout; terminating");
                        // Already gone: its own exit, on its way, says why.
                        self.start_timed_out = cx.terminate(Dest::Pid(&child)).is_ok();
                    }
                }
                Phase::Stopping => {
                    if let Some(child) = self.child.clone() {
                        tracing::warn!(service = %self.spec.id, %child, "service process ignored CANCEL for stop_timeout; terminating");
                        let _ = cx.terminate(Dest::Pid(&child));
                    }
                }
                _ => {}
            }
        }
        if self.phase == Phase::Done {
            Flow::Done(Default::default())
        } else {
            Flow::Wait
        }
    }
}
