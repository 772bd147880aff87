//! Starting and stopping the registry's entries: `lifecycle.auto_start`, dependency
//! order (`requires`/`depends_on` and references), and dependents first at stop, in
//! waves stopped in parallel.
//!
//! Kinds the runtime starts: `process.host`, `terminal.host`, `process.service`. An
//! entry of any other kind with `auto_start: true` is reported at start as not supported
//! (rather than silently not run).

use crate::error::RuntimeError;
use crate::host::HostKind;
use crate::payload::ErrorValue;
use crate::pid::Pid;
use crate::registry::{Entry, EntryConfig, EntryId, Lifecycle, Registry};
use crate::runtime::{Dest, Runtime};
use crate::service::supervisor::{ServiceSpec, SpecUpdate, StartAfter, Supervisor};
use crate::service::{ServiceState, ServiceStatus};
use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

/// The id of the runtime's own host, where supervisors run.
pub const CONTROL_HOST: &str = "node:control";

/// A started service: its supervisor's PID and published status.
#[derive(Clone, Debug)]
pub struct ServiceHandle {
    /// The `process.service` entry.
    pub id: EntryId,
    /// The supervisor process.
    pub supervisor: Pid,
    /// What the supervisor publishes.
    pub status: Arc<ServiceStatus>,
    stop_timeout: Duration,
    /// The spec an update of the entry leaves for the supervisor's next start.
    pub(crate) update: SpecUpdate,
}

#[derive(Debug, Default)]
pub(crate) struct LifecycleState {
    services: Mutex<Vec<ServiceHandle>>,
    /// Held while a change set is applied and acted on (`live_changes.rs`), so that each
    /// is acted on against the registry it was applied to, in the order applied.
    pub(crate) changes: Mutex<()>,
    /// The supervisors of services that registry changes removed, by service id, while
    /// they may still be stopping their processes: a service made again under the same id
    /// waits for the old one's end. Written by `live_changes.rs`, under `changes`; pruned
    /// of ended supervisors at each change.
    pub(crate) stopping: Mutex<HashMap<EntryId, Vec<Pid>>>,
}

/// What [`Runtime::start_watching`] tells its watcher while it waits for services to
/// boot.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartProgress<'a> {
    /// Still waiting (about every [`BOOT_POLL`]).
    Waiting,
    /// Runs of `service` failed before its process booted; it is being retried, and the
    /// start waits for it. Told once per new failure seen (failures in quick succession
    /// may be told together).
    Retrying {
        /// The service.
        service: &'a EntryId,
        /// Why the last run failed.
        error: Option<&'a ErrorValue>,
        /// How many of its runs have failed so far.
        failures: u64,
    },
}

/// How often [`Runtime::start_watching`] reports [`StartProgress::Waiting`].
pub const BOOT_POLL: Duration = Duration::from_millis(20);

/// A service started by [`Runtime::start_watching`] whose process has not booted yet.
struct Booting {
    service: ServiceHandle,
    /// Failed runs already reported as [`StartProgress::Retrying`].
    told_failures: u64,
}

/// Why the entries could not be started; every problem found, each naming its entry.
#[derive(Debug, Clone, PartialEq)]
pub struct StartError {
    /// One line per problem: `file:line: entry ns:name: ...`.
    pub problems: Vec<String>,
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(problem)?;
        }
        Ok(())
    }
}

impl std::error::Error for StartError {}

fn describe(entry: &Entry, what: impl fmt::Display) -> String {
    format!(
        "{}:{}: entry {}: {what}",
        entry.location().path().display(),
        entry.location().line(),
        entry.id()
    )
}

fn startable(entry: &Entry) -> bool {
    matches!(
        entry.config(),
        EntryConfig::ProcessHost(_) | EntryConfig::TerminalHost(_) | EntryConfig::ProcessService(_)
    )
}

/// What `entry` needs started before it (and stopped after it): its `requires`, and the
/// entries with a lifecycle it references.
pub(crate) fn dependencies(registry: &Registry, entry: &Entry) -> Vec<EntryId> {
    let mut deps: Vec<EntryId> = entry
        .lifecycle()
        .map(|l| l.requires.clone())
        .unwrap_or_default();
    for reference in entry.references() {
        let target = reference.target();
        let has_lifecycle = registry.get(target).and_then(Entry::lifecycle).is_some();
        if target != entry.id() && has_lifecycle && !deps.contains(target) {
            deps.push(target.clone());
        }
    }
    deps
}

/// The entries to start, dependencies first: every `auto_start` entry and what it
/// requires, ordered so that each comes after its `requires` and the entries with a
/// lifecycle it references.
///
/// # Errors
///
/// Missing requirements, unsupported kinds and dependency cycles, all of them.
pub fn start_order(registry: &Registry) -> Result<Vec<EntryId>, StartError> {
    let mut problems = Vec::new();
    let deps_of = |entry: &Entry| dependencies(registry, entry);
    // Everything reachable from the auto_start entries.
    let mut wanted: Vec<EntryId> = registry
        .iter()
        .filter(|e| e.lifecycle().is_some_and(|l| l.auto_start))
        .map(|e| e.id().clone())
        .collect();
    let mut seen: HashSet<EntryId> = wanted.iter().cloned().collect();
    let mut i = 0;
    while i < wanted.len() {
        let id = wanted[i].clone();
        i += 1;
        let Some(entry) = registry.get(&id) else {
            continue;
        };
        for dep in deps_of(entry) {
            match registry.get(&dep) {
                None => problems.push(describe(
                    entry,
                    format_args!("requires {dep}, which is not in the registry"),
                )),
                // Nothing to start: the requirer can never be (the original's
                // "service startup blocked by missing dependencies").
                Some(target) if target.lifecycle().is_none() && !startable(target) => {
                    problems.push(describe(
                        entry,
                        format_args!(
                            "startup blocked: requires {dep}, a {} entry, which is no service or host and never runs",
                            target.kind()
                        ),
                    ));
                }
                Some(_) => {
                    if seen.insert(dep.clone()) {
                        wanted.push(dep);
                    }
                }
            }
        }
    }
    for id in &wanted {
        if let Some(entry) = registry.get(id) {
            if !startable(entry) {
                problems.push(describe(
                    entry,
                    format_args!("kind {} cannot be started by this runtime yet (it starts process.host, terminal.host and process.service)", entry.kind()),
                ));
            }
        }
    }
    // Depth-first topological order, in registry order for ties.
    let mut order = Vec::new();
    let mut state: HashMap<EntryId, bool> = HashMap::new(); // false = visiting, true = done
    fn visit(
        id: &EntryId,
        registry: &Registry,
        deps_of: &dyn Fn(&Entry) -> Vec<EntryId>,
        state: &mut HashMap<EntryId, bool>,
        order: &mut Vec<EntryId>,
        path: &mut Vec<EntryId>,
        problems: &mut Vec<String>,
    ) {
        match state.get(id) {
            Some(true) => return,
            Some(false) => {
                let start = path.iter().position(|p| p == id).unwrap_or(0);
                let cycle: Vec<String> = path[start..].iter().map(ToString::to_string).collect();
                if let Some(entry) = registry.get(id) {
                    problems.push(describe(
                        entry,
                        format_args!("dependency cycle: {} -> {id}", cycle.join(" -> ")),
                    ));
                }
                return;
            }
            None => {}
        }
        let Some(entry) = registry.get(id) else {
            return;
        };
        state.insert(id.clone(), false);
        path.push(id.clone());
        for dep in deps_of(entry) {
            visit(&dep, registry, deps_of, state, order, path, problems);
        }
        path.pop();
        state.insert(id.clone(), true);
        order.push(id.clone());
    }
    for entry in registry.iter() {
        if seen.contains(entry.id()) {
            let mut path = Vec::new();
            visit(
                entry.id(),
                registry,
                &deps_of,
                &mut state,
                &mut order,
                &mut path,
                &mut problems,
            );
        }
    }
    if problems.is_empty() {
        Ok(order)
    } else {
        Err(StartError { problems })
    }
}

impl Runtime {
    /// Starts every `auto_start` entry and its requirements, dependencies first, and
    /// waits for them as [`start_watching`](Runtime::start_watching) does (for ever, if
    /// a required service retries for ever).
    ///
    /// # Errors
    ///
    /// As [`start_watching`](Runtime::start_watching).
    pub fn start(&self) -> Result<(), StartError> {
        self.start_watching(|_| ControlFlow::Continue(()))
    }

    /// Starts every `auto_start` entry and its requirements, dependencies first, as the
    /// original's sequencer: an entry starts once everything it depends on has started,
    /// and a service has started once its process has booted (a Lua process: its chunk
    /// ran and its method was found; see [`BootWatch`](crate::process::BootWatch)).
    /// Entries whose dependencies have started start together.
    ///
    /// A service whose process fails before it boots is retried per its restart policy,
    /// and its dependents wait; one that gives up (or ends with an error that is not
    /// retried) does not start, and neither does anything that depends on it. A service
    /// with `startup: optional` that is still retrying when nothing waits for it goes on
    /// retrying in the background.
    ///
    /// `watch` hears of the wait ([`StartProgress`]) and may stop it with
    /// `ControlFlow::Break` (say on a signal): the entries started so far keep running.
    ///
    /// # Errors
    ///
    /// As [`start_order`], plus every entry that could not start (e.g. a service whose
    /// process entry does not exist or whose host is not started, or that failed before
    /// it booted) unless it is optional, every entry not started because something it
    /// depends on did not start, and an interrupted wait. Entries started before a
    /// failure keep running; call [`shutdown`](Runtime::shutdown).
    pub fn start_watching(
        &self,
        mut watch: impl FnMut(StartProgress<'_>) -> ControlFlow<()>,
    ) -> Result<(), StartError> {
        let registry = &*self.registry();
        let order = start_order(registry)?;
        let deps: HashMap<EntryId, Vec<EntryId>> = order
            .iter()
            .filter_map(|id| registry.get(id))
            .map(|entry| (entry.id().clone(), dependencies(registry, entry)))
            .collect();
        let optional = |id: &EntryId| {
            registry
                .get(id)
                .and_then(Entry::lifecycle)
                .is_some_and(|l| l.startup == crate::registry::Startup::Optional)
        };
        let mut problems = Vec::new();
        let mut started: HashSet<EntryId> = HashSet::new();
        // Not started, and never will be in this start: failed, or blocked by one that did.
        let mut failed: HashSet<EntryId> = HashSet::new();
        let mut booting: Vec<Booting> = Vec::new();
        let mut pending: Vec<EntryId> = order;
        loop {
            // Start everything whose dependencies have started; give up on what depends
            // on something that will not.
            let mut progressed = true;
            while progressed {
                progressed = false;
                let mut waiting = Vec::new();
                for id in std::mem::take(&mut pending) {
                    let needs = deps.get(&id).map(Vec::as_slice).unwrap_or_default();
                    let Some(entry) = registry.get(&id) else {
                        continue;
                    };
                    if let Some(dep) = needs.iter().find(|d| failed.contains(*d)) {
                        if !optional(&id) {
                            problems.push(describe(
                                entry,
                                format_args!("not started: requires {dep}, which did not start"),
                            ));
                        }
                        failed.insert(id);
                        progressed = true;
                        continue;
                    }
                    if !needs.iter().all(|d| started.contains(d)) {
                        waiting.push(id);
                        continue;
                    }
                    progressed = true;
                    match self.start_entry(entry) {
                        Ok(Some(service)) => booting.push(Booting {
                            service,
                            told_failures: 0,
                        }),
                        Ok(None) => {
                            started.insert(id);
                        }
                        Err(problem) => {
                            let message = describe(entry, problem);
                            if optional(&id) {
                                tracing::warn!("{message} (startup: optional, going on)");
                            } else {
                                problems.push(message);
                            }
                            failed.insert(id);
                        }
                    }
                }
                pending = waiting;
            }
            if booting.is_empty() {
                break;
            }
            // An optional service still retrying that nothing left waits for goes on in
            // the background (the original's sequencer lets it).
            let needed: HashSet<&EntryId> = pending
                .iter()
                .flat_map(|id| deps.get(id).into_iter().flatten())
                .collect();
            booting.retain(|b| !optional(&b.service.id) || needed.contains(&b.service.id));
            if booting.is_empty() {
                break;
            }
            if watch(StartProgress::Waiting).is_break() {
                let names: Vec<String> = booting.iter().map(|b| b.service.id.to_string()).collect();
                problems.push(format!(
                    "start interrupted while waiting for {} to start",
                    names.join(", ")
                ));
                break;
            }
            let told = booting[0].told_failures;
            booting[0].service.status.wait_for(BOOT_POLL, |s| {
                s.boots > 0 || s.state.is_final() || s.failures > told
            });
            let mut still = Vec::new();
            for mut b in booting {
                let snapshot = b.service.status.snapshot();
                if snapshot.boots > 0 {
                    started.insert(b.service.id.clone());
                } else if snapshot.state.is_final() {
                    let entry = registry.get(&b.service.id);
                    let why = match (&snapshot.last_error, &snapshot.state) {
                        (Some(error), _) => error.to_string(),
                        (None, ServiceState::Stopped) => "stopped before its process booted".into(),
                        (None, _) => "its process ended before it booted".into(),
                    };
                    if let Some(entry) = entry {
                        let message =
                            describe(entry, format_args!("service failed to start: {why}"));
                        if optional(&b.service.id) {
                            tracing::warn!("{message} (startup: optional, going on)");
                        } else {
                            problems.push(message);
                        }
                    }
                    failed.insert(b.service.id.clone());
                } else {
                    if snapshot.failures > b.told_failures {
                        b.told_failures = snapshot.failures;
                        let flow = watch(StartProgress::Retrying {
                            service: &b.service.id,
                            error: snapshot.last_error.as_deref(),
                            failures: snapshot.failures,
                        });
                        if flow.is_break() {
                            problems.push(format!(
                                "start interrupted while waiting for {} to start",
                                b.service.id
                            ));
                            return Err(StartError { problems });
                        }
                    }
                    still.push(b);
                }
            }
            booting = still;
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StartError { problems })
        }
    }

    /// Starts one entry of a kind the runtime starts (host or service), without waiting
    /// for a service's process to boot: a service's handle is returned, to wait on its
    /// status.
    ///
    /// # Errors
    ///
    /// What went wrong, as text for the caller to attach to the entry.
    pub fn start_entry(&self, entry: &Entry) -> Result<Option<ServiceHandle>, RuntimeError> {
        self.start_entry_after(entry, StartAfter::default())
    }

    /// [`start_entry`](Self::start_entry), with a service's first process waiting for
    /// what `after` names (registry changes, `live_changes.rs`; hosts start at once).
    pub(crate) fn start_entry_after(
        &self,
        entry: &Entry,
        after: StartAfter,
    ) -> Result<Option<ServiceHandle>, RuntimeError> {
        match entry.config() {
            EntryConfig::ProcessHost(host) => {
                self.start_host(entry.id(), HostKind::Process, host.workers_or_default())?;
            }
            EntryConfig::TerminalHost(_) => {
                self.start_host(entry.id(), HostKind::Terminal, 1)?;
            }
            EntryConfig::ProcessService(service) => {
                return self.start_service(entry, service, after).map(Some);
            }
            _ => {
                return Err(RuntimeError::NotSpawnable {
                    entry: entry.id().to_string(),
                    kind: entry.kind().to_owned(),
                });
            }
        }
        Ok(None)
    }

    fn control_host(&self) -> Result<(), RuntimeError> {
        if self.host(CONTROL_HOST).is_none() {
            let id = EntryId::new("node", "control")
                .map_err(|e| RuntimeError::HostNotFound(e.to_string()))?;
            self.start_host(&id, HostKind::Control, 1)?;
        }
        Ok(())
    }

    fn start_service(
        &self,
        entry: &Entry,
        service: &crate::registry::ProcessService,
        after: StartAfter,
    ) -> Result<ServiceHandle, RuntimeError> {
        let spec = self.service_spec(entry, service)?;
        let stop_timeout = spec.lifecycle.stop_timeout;
        self.control_host()?;
        let (supervisor, status, update) = Supervisor::new(spec, after);
        let supervisor = self.spawn_body(CONTROL_HOST, supervisor, None)?;
        tracing::info!(service = %entry.id(), %supervisor, "service supervisor started");
        let handle = ServiceHandle {
            id: entry.id().clone(),
            supervisor,
            status,
            stop_timeout,
            update,
        };
        self.inner.lifecycle.services.lock().push(handle.clone());
        Ok(handle)
    }

    /// What a supervisor of the service `entry` runs, checked against the current
    /// registry and hosts.
    pub(crate) fn service_spec(
        &self,
        entry: &Entry,
        service: &crate::registry::ProcessService,
    ) -> Result<ServiceSpec, RuntimeError> {
        let registry = self.registry();
        let process = registry
            .get(&service.process)
            .ok_or_else(|| RuntimeError::EntryNotFound(service.process.to_string()))?;
        if !self.can_spawn_kind(process.kind()) {
            return Err(RuntimeError::NotSpawnable {
                entry: service.process.to_string(),
                kind: process.kind().to_owned(),
            });
        }
        if self.host(service.host.as_str()).is_none() {
            return Err(RuntimeError::HostNotFound(service.host.to_string()));
        }
        Ok(ServiceSpec {
            id: entry.id().clone(),
            process: service.process.clone(),
            host: service.host.clone(),
            input: service.input.iter().cloned().collect(),
            lifecycle: entry.lifecycle().cloned().unwrap_or_else(default_lifecycle),
        })
    }

    /// The services started so far, in start order.
    pub fn services(&self) -> Vec<ServiceHandle> {
        self.inner.lifecycle.services.lock().clone()
    }

    /// Takes the started service `id` out of the services the runtime runs (its entry
    /// was removed): the caller stops it.
    pub(crate) fn forget_service(&self, id: &EntryId) -> Option<ServiceHandle> {
        let mut services = self.inner.lifecycle.services.lock();
        let at = services.iter().position(|s| s.id == *id)?;
        Some(services.remove(at))
    }

    /// The stop timeout the shutdown gives the started service `id` (its entry was
    /// updated).
    pub(crate) fn set_service_stop_timeout(&self, id: &EntryId, stop_timeout: Duration) {
        if let Some(service) = self
            .inner
            .lifecycle
            .services
            .lock()
            .iter_mut()
            .find(|s| s.id == *id)
        {
            service.stop_timeout = stop_timeout;
        }
    }

    /// The started service `id`.
    pub fn service(&self, id: &str) -> Option<ServiceHandle> {
        self.inner
            .lifecycle
            .services
            .lock()
            .iter()
            .find(|s| s.id.as_str() == id)
            .cloned()
    }
}

fn default_lifecycle() -> Lifecycle {
    Lifecycle {
        auto_start: false,
        start_timeout: Lifecycle::DEFAULT_TIMEOUT,
        stop_timeout: Lifecycle::DEFAULT_TIMEOUT,
        stable_threshold: Lifecycle::DEFAULT_STABLE_THRESHOLD,
        requires: Vec::new(),
        startup: Default::default(),
        restart: Default::default(),
        security: None,
    }
}

/// Stops the services in waves, as the original's sequencer stops them level by level:
/// each wave is every service no other running service depends on (its `requires`, and
/// the entries with a lifecycle it references); a wave's services get CANCEL together,
/// and each gets its own `stop_timeout` (plus a margin for the terminate that follows
/// it) from the wave's start, but not past `deadline`. So a service that ignores
/// CANCEL delays only the services it depends on, not the others' graceful stop.
pub(crate) fn stop_services(runtime: &Runtime, deadline: std::time::Instant) {
    let mut left: Vec<ServiceHandle> =
        std::mem::take(&mut *runtime.inner.lifecycle.services.lock());
    let registry = &*runtime.registry();
    let deps: HashMap<EntryId, Vec<EntryId>> = left
        .iter()
        .map(|s| {
            let deps = registry
                .get(&s.id)
                .map(|entry| dependencies(registry, entry))
                .unwrap_or_default();
            (s.id.clone(), deps)
        })
        .collect();
    while !left.is_empty() {
        let needed: HashSet<&EntryId> = left
            .iter()
            .flat_map(|s| deps.get(&s.id).into_iter().flatten())
            .collect();
        // Reverse start order within a wave, as before; a cycle (which start refuses)
        // cannot block the stop: then everything left is one wave.
        let (mut wave, rest): (Vec<ServiceHandle>, Vec<ServiceHandle>) =
            left.into_iter().partition(|s| !needed.contains(&s.id));
        left = rest;
        if wave.is_empty() {
            wave = std::mem::take(&mut left);
        }
        wave.reverse();
        let started = std::time::Instant::now();
        let cancelled: Vec<&ServiceHandle> = wave
            .iter()
            .filter(|s| {
                runtime
                    .cancel(Dest::Pid(&s.supervisor), "runtime shutdown")
                    .is_ok()
            })
            .collect();
        for service in cancelled {
            let until = (started + service.stop_timeout + Duration::from_secs(1)).min(deadline);
            let (snapshot, stopped) = service.status.wait_for(
                until.saturating_duration_since(std::time::Instant::now()),
                |s| s.state.is_final(),
            );
            if stopped {
                // Its supervisor logged how it ended.
                tracing::debug!(service = %service.id, state = ?snapshot.state, "service ended at shutdown");
            } else {
                tracing::warn!(service = %service.id, state = ?snapshot.state, "service still stopping at the shutdown deadline");
            }
        }
    }
}
