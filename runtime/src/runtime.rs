//! [`Runtime`]: one node's processes — hosts, the PID directory, names, links and
//! monitors — and the operations on them.
//!
//! A `Runtime` is a cheap handle (`Arc`). It owns its hosts, and through them their
//! schedulers and processes; running processes hold a handle back, so the cycle is
//! broken by [`Runtime::shutdown`], which every owner must call.

use crate::error::RuntimeError;
use crate::host::{Host, HostKind};
use crate::message::{Envelope, Event, EventKind, Message, Outcome, Payloads, Topic};
use crate::metrics::{Counters, Metrics};
use crate::names::Names;
use crate::payload::Payload;
use crate::pid::{Pid, PidHost, PidParts};
use crate::process::directory::Directory;
use crate::process::record::{ExitWaiter, ProcessRecord, Relations};
use crate::process::running::Running;
use crate::process::{BodyFactory, BootWatch, ProcessBody, SpawnContext, Target};
use crate::registry::{EntryId, Registry, Versions};
use parking_lot::{Mutex, RwLock};
use rustc_hash::FxHashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use wippy_scheduler::SpawnError;

/// Where a message or operation goes: a PID, or a string that is a PID or a name.
#[derive(Clone, Copy, Debug)]
pub enum Dest<'a> {
    /// A parsed PID.
    Pid(&'a Pid),
    /// A PID string (`{host|0x00004}`) or a registered name.
    Str(&'a str),
}

impl<'a> From<&'a Pid> for Dest<'a> {
    fn from(pid: &'a Pid) -> Dest<'a> {
        Dest::Pid(pid)
    }
}

impl<'a> From<&'a str> for Dest<'a> {
    fn from(s: &'a str) -> Dest<'a> {
        Dest::Str(s)
    }
}

/// What to spawn, where, and how it is tied to the spawner.
#[derive(Clone, Debug)]
pub struct SpawnSpec {
    /// The registry entry to run (its kind must have a [`BodyFactory`]). Shared text, so
    /// that a spawner that starts the same entry over and over builds it once.
    pub entry: Arc<str>,
    /// The host to run it on (a started `process.host` or `terminal.host`).
    pub host: Arc<str>,
    /// Arguments for the body (Lua: `main(...)`).
    pub args: Payloads,
    /// Link the spawner and the child.
    pub link: bool,
    /// The spawner monitors the child.
    pub monitor: bool,
    /// A waiter told of the child's outcome (for callers outside any process).
    pub waiter: Option<Arc<ExitWaiter>>,
    /// A name registered to the child before it runs; the spawn fails with
    /// [`RuntimeError::NameTaken`] (and nothing runs) when another process holds it.
    pub name: Option<String>,
    /// The child's context; `None`: the spawning process's own (none for a spawn from
    /// outside any process).
    pub context: Option<Arc<SpawnContext>>,
    /// Told once the child has booted (see [`BootWatch`]).
    pub boot_watch: Option<Arc<dyn BootWatch>>,
    /// The kind the entry must be (`None`: any kind with a factory); another kind fails
    /// with [`RuntimeError::NotSpawnable`]. A Lua `process.spawn` asks for
    /// `process.lua`, as the original's, whose only process factories are the process
    /// entries', while `run -x` and `funcs` also run `function.lua` entries.
    pub kind: Option<&'static str>,
}

impl SpawnSpec {
    /// Spawn `entry` on `host` with no arguments and no ties.
    pub fn new(entry: impl Into<Arc<str>>, host: impl Into<Arc<str>>) -> SpawnSpec {
        SpawnSpec {
            entry: entry.into(),
            host: host.into(),
            args: Payloads::new(),
            link: false,
            monitor: false,
            waiter: None,
            name: None,
            context: None,
            boot_watch: None,
            kind: None,
        }
    }

    /// Spawns only an entry of `kind` (see [`SpawnSpec::kind`]).
    pub fn of_kind(mut self, kind: &'static str) -> SpawnSpec {
        self.kind = Some(kind);
        self
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: impl Into<Payload>) -> SpawnSpec {
        self.args.push(arg.into());
        self
    }

    /// Sets the arguments.
    pub fn args(mut self, args: impl IntoIterator<Item = Payload>) -> SpawnSpec {
        self.args = args.into_iter().collect();
        self
    }

    /// Links spawner and child.
    pub fn linked(mut self) -> SpawnSpec {
        self.link = true;
        self
    }

    /// The spawner monitors the child.
    pub fn monitored(mut self) -> SpawnSpec {
        self.monitor = true;
        self
    }

    /// Tells `waiter` the child's outcome.
    pub fn waiter(mut self, waiter: Arc<ExitWaiter>) -> SpawnSpec {
        self.waiter = Some(waiter);
        self
    }

    /// Tells `watch` when the child has booted (see [`BootWatch`]).
    pub fn boot_watch(mut self, watch: Arc<dyn BootWatch>) -> SpawnSpec {
        self.boot_watch = Some(watch);
        self
    }

    /// Registers `name` to the child before it runs (see [`SpawnSpec::name`]).
    pub fn named(mut self, name: impl Into<String>) -> SpawnSpec {
        self.name = Some(name.into());
        self
    }
}

/// One node's process runtime. Cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("hosts", &self.inner.hosts.read().len())
            .field("live", &self.inner.directory.len())
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    /// The registry's versions; the current one is what spawns read.
    pub(crate) registry: Arc<Versions>,
    node: Option<String>,
    hosts: RwLock<FxHashMap<String, Arc<Host>>>,
    /// Hosts in the order they started (stopped in reverse).
    host_order: Mutex<Vec<Arc<Host>>>,
    pub(crate) directory: Directory,
    names: Names,
    next_counter: AtomicU64,
    factories: RwLock<FxHashMap<String, Arc<dyn BodyFactory>>>,
    /// What every entry a change set creates or updates must pass
    /// ([`Runtime::add_entry_check`]).
    entry_checks: RwLock<Vec<Arc<dyn crate::registry::EntryCheck>>>,
    pub(crate) counters: Counters,
    pub(crate) lifecycle: crate::lifecycle::LifecycleState,
    /// The `events` module's subscriptions (`event_bus.rs`).
    pub(crate) event_bus: Arc<crate::event_bus::EventBus>,
    /// The registry's environment variables and storages (`environment/`).
    pub(crate) environment: crate::environment::Environment,
    /// Where the end of every process on a terminal host is told, once someone
    /// [watches](Runtime::watch_terminal_exits) for it.
    terminal_exits: Mutex<Option<std::sync::mpsc::Sender<TerminalExit>>>,
}

/// A process on a terminal host ended (see [`Runtime::watch_terminal_exits`]).
#[derive(Debug)]
pub struct TerminalExit {
    /// The process.
    pub pid: Pid,
    /// The entry it ran, when it ran one.
    pub entry: Option<EntryId>,
    /// How it ended.
    pub outcome: Outcome,
}

impl Runtime {
    /// A runtime over `registry`, with no hosts started yet.
    pub fn new(registry: Registry) -> Runtime {
        Runtime::with_node(registry, None)
    }

    /// As [`new`](Self::new), naming the node (PIDs then print `{node@host|...}`).
    pub fn with_node(registry: Registry, node: Option<String>) -> Runtime {
        let environment = crate::environment::Environment::from_registry(&registry);
        Runtime {
            inner: Arc::new(Inner {
                environment,
                registry: Arc::new(Versions::new(registry)),
                node,
                hosts: RwLock::new(FxHashMap::default()),
                host_order: Mutex::new(Vec::new()),
                directory: Directory::new(),
                names: Names::default(),
                next_counter: AtomicU64::new(1),
                factories: RwLock::new(FxHashMap::default()),
                entry_checks: RwLock::new(Vec::new()),
                counters: Counters::default(),
                lifecycle: crate::lifecycle::LifecycleState::default(),
                event_bus: Arc::default(),
                terminal_exits: Mutex::new(None),
            }),
        }
    }

    /// From now on, tells the returned receiver of the end of every process that runs on
    /// a terminal host, once it has booted (one that fails before is a failed start): the original's terminal host ends the whole run when its process
    /// completes, whoever started it (reference §2.3), which the `wippy` command does
    /// with what arrives here. A later call replaces the earlier receiver.
    pub fn watch_terminal_exits(&self) -> std::sync::mpsc::Receiver<TerminalExit> {
        let (sender, receiver) = std::sync::mpsc::channel();
        *self.inner.terminal_exits.lock() = Some(sender);
        receiver
    }

    /// The registry this runtime runs now: that of its current version (the one it
    /// started with until a change set applies).
    pub fn registry(&self) -> Arc<Registry> {
        self.inner.registry.current_registry()
    }

    /// The registry's versions: history, snapshots. Change the registry through
    /// [`apply_registry_changes`](Self::apply_registry_changes) and
    /// [`apply_registry_version`](Self::apply_registry_version), which also tell the
    /// event bus.
    pub fn registry_versions(&self) -> &Arc<Versions> {
        &self.inner.registry
    }

    /// Applies a change set to the registry ([`Versions::apply`]), then publishes one
    /// event per operation on the event bus, as the original's registry does: system
    /// `registry`, kind `entry.create`, `entry.update` or `entry.delete`, path the
    /// entry id, data the entry as `{id, kind, meta, data}` (none for a delete).
    ///
    /// Then acts on the hosts and services the change set touches: starts those created
    /// with `auto_start`, stops those deleted, and restarts an updated host (an updated
    /// service takes its new entry at its process's next start); see `live_changes.rs`.
    ///
    /// Before anything changes, every entry the set creates or updates must pass the
    /// installed [`EntryCheck`](crate::registry::EntryCheck)s ([`add_entry_check`](Self::add_entry_check)).
    ///
    /// # Errors
    ///
    /// As [`Versions::apply`], or [`ChangeError::Refused`](crate::registry::ChangeError::Refused)
    /// by a check; nothing is published or acted on then.
    pub fn apply_registry_changes(
        &self,
        changes: &[crate::registry::Change],
    ) -> Result<crate::registry::VersionInfo, crate::registry::ChangeError> {
        let _serial = self.inner.lifecycle.changes.lock();
        self.check_changed_entries(changes)?;
        let before = self.registry();
        let version = self.inner.registry.apply(changes)?;
        self.publish_registry_changes(changes);
        crate::live_changes::act_on_changes(self, &before, changes);
        Ok(version)
    }

    /// Makes registry version `id` current ([`Versions::apply_version`]), then publishes
    /// the operations that lead there and acts on them, as
    /// [`apply_registry_changes`](Self::apply_registry_changes).
    ///
    /// # Errors
    ///
    /// No version has this number.
    pub fn apply_registry_version(
        &self,
        id: u64,
    ) -> Result<crate::registry::VersionInfo, crate::registry::ChangeError> {
        let _serial = self.inner.lifecycle.changes.lock();
        let before = self.registry();
        let (version, changes) = self.inner.registry.apply_version(id)?;
        self.publish_registry_changes(&changes);
        crate::live_changes::act_on_changes(self, &before, &changes);
        Ok(version)
    }

    /// Runs every installed entry check on the entries `changes` creates or updates.
    fn check_changed_entries(
        &self,
        changes: &[crate::registry::Change],
    ) -> Result<(), crate::registry::ChangeError> {
        use crate::registry::Change;
        let checks = self.inner.entry_checks.read();
        if checks.is_empty() {
            return Ok(());
        }
        for change in changes {
            let (Change::Create(entry) | Change::Update(entry)) = change else {
                continue;
            };
            for check in checks.iter() {
                check
                    .check(entry)
                    .map_err(|reason| crate::registry::ChangeError::Refused {
                        id: entry.id().clone(),
                        reason,
                    })?;
            }
        }
        Ok(())
    }

    fn publish_registry_changes(&self, changes: &[crate::registry::Change]) {
        use crate::registry::Change;
        for change in changes {
            let data = match change {
                Change::Create(entry) | Change::Update(entry) => entry.to_payload(),
                Change::Delete(_) => crate::payload::Payload::Nil,
            };
            self.publish_event("registry", change.op_name(), change.id().as_str(), data);
        }
    }

    /// The environment variables the registry declares, with their storages' values.
    pub fn environment(&self) -> &crate::environment::Environment {
        &self.inner.environment
    }

    /// Makes `factory` build the bodies of every entry of `kind` (e.g. `process.lua`).
    pub fn register_kind(&self, kind: &str, factory: Arc<dyn BodyFactory>) {
        self.inner
            .factories
            .write()
            .insert(kind.to_owned(), factory);
    }

    /// Makes every later change set pass its created and updated entries through `check`
    /// before it applies (see [`EntryCheck`](crate::registry::EntryCheck)). Install
    /// checks while setting the runtime up.
    pub fn add_entry_check(&self, check: Arc<dyn crate::registry::EntryCheck>) {
        self.inner.entry_checks.write().push(check);
    }

    /// `true` when entries of `kind` can be spawned.
    pub fn can_spawn_kind(&self, kind: &str) -> bool {
        self.inner.factories.read().contains_key(kind)
    }

    /// Starts a host named `id` with `workers` threads.
    ///
    /// # Errors
    ///
    /// When the id is malformed or the scheduler cannot start its threads. Starting a
    /// host that is already running returns the running one.
    pub fn start_host(
        &self,
        id: &EntryId,
        kind: HostKind,
        workers: usize,
    ) -> Result<Arc<Host>, RuntimeError> {
        let mut hosts = self.inner.hosts.write();
        if let Some(host) = hosts.get(id.as_str()) {
            return Ok(host.clone());
        }
        let pid_host = PidHost::new(self.inner.node.as_deref(), id.as_str())
            .map_err(|e| RuntimeError::HostUnavailable(format!("{id}: {e}")))?;
        let host = Host::start(id.clone(), kind, pid_host, workers)
            .map_err(|e| RuntimeError::HostUnavailable(format!("{id}: {e}")))?;
        hosts.insert(id.as_str().to_owned(), host.clone());
        self.inner.host_order.lock().push(host.clone());
        tracing::debug!(host = %id, workers, ?kind, "host started");
        Ok(host)
    }

    /// Takes the started host `id` out of the runtime (its entry was removed or
    /// replaced): spawns onto it fail from here; the caller stops it.
    pub(crate) fn remove_host(&self, id: &str) -> Option<Arc<Host>> {
        let host = self.inner.hosts.write().remove(id)?;
        self.inner
            .host_order
            .lock()
            .retain(|h| !Arc::ptr_eq(h, &host));
        Some(host)
    }

    /// The started host `id`.
    pub fn host(&self, id: &str) -> Option<Arc<Host>> {
        self.inner.hosts.read().get(id).cloned()
    }

    /// Every started host, in start order.
    pub fn hosts(&self) -> Vec<Arc<Host>> {
        self.inner.host_order.lock().clone()
    }

    /// The runtime's counters.
    pub fn metrics(&self) -> Metrics {
        self.inner.counters.snapshot()
    }

    /// Live processes right now (from the PID directory).
    pub fn live_processes(&self) -> usize {
        self.inner.directory.len()
    }

    /// `true` while `pid` names a live process.
    pub fn is_alive(&self, pid: &Pid) -> bool {
        self.inner
            .directory
            .get(pid.counter())
            .is_some_and(|record| record.pid == *pid)
    }

    fn next_pid(&self, host: &Host) -> Pid {
        let counter = self.inner.next_counter.fetch_add(1, Ordering::Relaxed);
        host.pid_host().pid(counter)
    }

    /// Spawns a process from a registry entry, tied to nobody (links and monitors in
    /// `spec` are ignored: there is no spawner process).
    ///
    /// # Errors
    ///
    /// Unknown entry or host, an entry kind with no factory, a body that cannot be made
    /// (e.g. a compile error), or a host that is shutting down.
    pub fn spawn(&self, spec: SpawnSpec) -> Result<Pid, RuntimeError> {
        self.spawn_from(None, spec)
    }

    pub(crate) fn spawn_from(
        &self,
        parent: Option<&Arc<ProcessRecord>>,
        spec: SpawnSpec,
    ) -> Result<Pid, RuntimeError> {
        let registry = self.inner.registry.current();
        let entry = registry
            .get_str(&spec.entry)
            .ok_or_else(|| RuntimeError::EntryNotFound(spec.entry.to_string()))?;
        if spec.kind.is_some_and(|kind| kind != entry.kind()) {
            return Err(RuntimeError::NotSpawnable {
                entry: spec.entry.to_string(),
                kind: entry.kind().to_owned(),
            });
        }
        let factory = self
            .inner
            .factories
            .read()
            .get(entry.kind())
            .cloned()
            .ok_or_else(|| RuntimeError::NotSpawnable {
                entry: spec.entry.to_string(),
                kind: entry.kind().to_owned(),
            })?;
        let host = self
            .host(&spec.host)
            .ok_or_else(|| RuntimeError::HostNotFound(spec.host.to_string()))?;
        let body = factory
            .create(self, entry, spec.args)
            .map_err(RuntimeError::Body)?;
        let context = spec
            .context
            .or_else(|| parent.and_then(|p| p.context.clone()));
        let ties = Ties {
            parent,
            link: spec.link,
            monitor: spec.monitor,
            context,
        };
        let watchers = Watchers {
            exit: spec.waiter,
            boot: spec.boot_watch,
        };
        self.spawn_record(
            &host,
            Some(entry.id().clone()),
            body,
            ties,
            watchers,
            spec.name.as_deref(),
        )
    }

    /// Spawns a Rust body on `host`, with no entry and tied to nobody.
    ///
    /// # Errors
    ///
    /// An unknown or stopping host.
    pub fn spawn_body(
        &self,
        host: &str,
        body: impl ProcessBody,
        waiter: Option<Arc<ExitWaiter>>,
    ) -> Result<Pid, RuntimeError> {
        let host = self
            .host(host)
            .ok_or_else(|| RuntimeError::HostNotFound(host.to_owned()))?;
        let ties = Ties {
            parent: None,
            link: false,
            monitor: false,
            context: None,
        };
        let watchers = Watchers {
            exit: waiter,
            boot: None,
        };
        self.spawn_record(&host, None, Box::new(body), ties, watchers, None)
    }

    fn spawn_record(
        &self,
        host: &Arc<Host>,
        entry: Option<EntryId>,
        mut body: Box<dyn ProcessBody>,
        ties: Ties<'_>,
        watchers: Watchers,
        name: Option<&str>,
    ) -> Result<Pid, RuntimeError> {
        let pid = self.next_pid(host);
        // Held to the end of the spawn (see `claim_terminal`).
        let _terminal = host
            .claim_terminal(&pid, |other| {
                self.inner
                    .directory
                    .get(other.counter())
                    .is_some_and(|r| r.pid == *other)
            })
            .map_err(|occupant| RuntimeError::TerminalBusy {
                host: host.id().to_string(),
                occupant: occupant.to_string(),
            })?;
        let mut relations = Relations::default();
        if let Some(parent) = ties.parent {
            // The parent is running this very call, so it cannot have exited.
            let tied = parent.with_live(|theirs| {
                if ties.link {
                    theirs.links.insert(&pid);
                }
                if ties.monitor {
                    theirs.monitoring.insert(&pid);
                }
            });
            if tied.is_some() {
                if ties.link {
                    relations.links.insert(&parent.pid);
                }
                if ties.monitor {
                    relations.monitors.insert(&parent.pid);
                }
            }
        }
        let record = Arc::new(ProcessRecord::new(
            pid.clone(),
            entry,
            host.clone(),
            relations,
            watchers.exit,
            ties.context,
        ));
        let options = body.spawn_options();
        // A body that does not say when it has booted has booted once it is spawned.
        let (boot_now, boot_later) = match watchers.boot {
            Some(watch) if body.boots_itself() => (None, Some(watch)),
            watch => (watch, None),
        };
        // Published before the scheduler may run the child, so that everything the child
        // does in its first step (send to itself, spawn monitored children whose EXIT
        // comes back at once) finds it.
        self.inner.directory.insert(record.clone());
        if let Some(name) = name {
            if let Err(error) = self.inner.names.register(name, &record) {
                // It never existed for anyone but its spawner; the body is dropped unrun.
                self.inner.directory.remove(&pid);
                self.abandon(&record);
                return Err(error);
            }
        }
        let running = Running::new(self.clone(), record.clone(), body, boot_later);
        let slot = match host.handle().spawn_with(running, options) {
            Ok(slot) => slot,
            Err(error) => {
                // The body was dropped unrun, and its wrapper undid the ties.
                self.inner.directory.remove(&pid);
                let why = match error {
                    SpawnError::ShuttingDown => "shutting down",
                    SpawnError::TableFull => "process table full",
                    _ => "refused",
                };
                return Err(RuntimeError::HostUnavailable(format!(
                    "{} ({why})",
                    host.id()
                )));
            }
        };
        let _ = record.slot.set(slot);
        self.inner.counters.spawned();
        if let Some(watch) = boot_now {
            watch.booted(&pid);
        }
        tracing::trace!(%pid, entry = ?record.entry.as_ref().map(EntryId::as_str), "spawn");
        Ok(pid)
    }

    /// Finds the live process `dest` names.
    pub(crate) fn resolve(&self, dest: Dest<'_>) -> Result<Arc<ProcessRecord>, RuntimeError> {
        match dest {
            Dest::Pid(pid) => self
                .inner
                .directory
                .get(pid.counter())
                .filter(|record| record.pid == *pid)
                .ok_or(RuntimeError::ProcessNotFound),
            Dest::Str(text) => self.find_target(text).map(|target| target.record),
        }
    }

    /// Resolves `dest` to the PID of a live process.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub fn resolve_pid(&self, dest: Dest<'_>) -> Result<Pid, RuntimeError> {
        Ok(self.resolve(dest)?.pid.clone())
    }

    /// Sends a message from outside any process.
    ///
    /// # Errors
    ///
    /// [`RuntimeError::ReservedTopic`], [`RuntimeError::ProcessNotFound`],
    /// [`RuntimeError::Unresolved`].
    pub fn send(
        &self,
        dest: Dest<'_>,
        topic: impl Into<Topic>,
        payloads: Payloads,
    ) -> Result<(), RuntimeError> {
        self.send_from(None, dest, topic.into(), payloads).map(drop)
    }

    /// Sends from `from` (or from the runtime itself) to what `dest` resolves to, and
    /// gives back the record of the process the message went to.
    pub(crate) fn send_from(
        &self,
        from: Option<&Pid>,
        dest: Dest<'_>,
        topic: Topic,
        payloads: Payloads,
    ) -> Result<Arc<ProcessRecord>, RuntimeError> {
        if topic.starts_with('@') {
            return Err(RuntimeError::ReservedTopic(topic.to_string()));
        }
        let record = self.resolve(dest)?;
        self.send_to_record(from, &record, topic, payloads)?;
        Ok(record)
    }

    /// Resolves a PID string or a name to a [`Target`] (how every string destination is
    /// resolved): a string that parses as a PID names that process, anything else is
    /// looked up as a name.
    pub(crate) fn target(&self, text: &str) -> Result<Target, RuntimeError> {
        let mut target = self.find_target(text)?;
        target.mailbox = target
            .record
            .slot()
            .and_then(|slot| target.record.host.handle().mailbox(slot));
        Ok(target)
    }

    /// [`target`](Self::target) without the mailbox (for a single send).
    fn find_target(&self, text: &str) -> Result<Target, RuntimeError> {
        if text.starts_with('{') {
            if let Ok(parts) = PidParts::parse(text) {
                return self
                    .inner
                    .directory
                    .get(parts.counter)
                    .filter(|record| parts.matches(&record.pid))
                    .map(|record| Target {
                        record,
                        name_generation: None,
                        mailbox: None,
                    })
                    .ok_or(RuntimeError::ProcessNotFound);
            }
            // Shaped as a PID (`{...|...}`, as the original's `ParsePID` takes one) but
            // not one this runtime makes (`0xffff`, upper-case digits, ...): the PID of
            // no process, never a name, as in the original, which tries a PID first.
            if text.len() >= 3 && text.ends_with('}') && text.contains('|') {
                return Err(RuntimeError::ProcessNotFound);
            }
        }
        let (pid, generation) = self.inner.names.lookup_at(text);
        let pid = pid.ok_or_else(|| RuntimeError::Unresolved(text.to_owned()))?;
        Ok(Target {
            record: self.resolve(Dest::Pid(&pid))?,
            name_generation: Some(generation),
            mailbox: None,
        })
    }

    /// `true` while `target` still names what its text resolves to (see [`Target`]).
    pub(crate) fn target_is_current(&self, target: &Target) -> bool {
        target
            .name_generation
            .is_none_or(|g| g == self.inner.names.generation())
    }

    /// Sends to a resolved target (the checks and errors of [`send`](Self::send)).
    pub(crate) fn send_to_target(
        &self,
        from: Option<&Pid>,
        target: &Target,
        topic: Topic,
        payloads: Payloads,
    ) -> Result<(), RuntimeError> {
        if topic.starts_with('@') {
            return Err(RuntimeError::ReservedTopic(topic.to_string()));
        }
        let Some(mailbox) = &target.mailbox else {
            return self.send_to_record(from, &target.record, topic, payloads);
        };
        // Its scheduler slot may still take messages for a moment after the exit
        // protocol sent its EXIT; the process is gone from then on.
        if target
            .record
            .ended
            .load(std::sync::atomic::Ordering::Acquire)
        {
            return Err(RuntimeError::ProcessNotFound);
        }
        let message = Message {
            from: from.cloned(),
            topic,
            payloads,
        };
        mailbox
            .send(Envelope::Message(message))
            .map_err(|_| RuntimeError::ProcessNotFound)?;
        self.inner.counters.message();
        Ok(())
    }

    /// Sends from the runtime itself to `pid`, on any topic (reserved ones included: the
    /// event bus delivers on `@events/...`).
    pub(crate) fn send_internal(
        &self,
        pid: &Pid,
        topic: Topic,
        payloads: Payloads,
    ) -> Result<(), RuntimeError> {
        let record = self.resolve(Dest::Pid(pid))?;
        self.send_to_record(None, &record, topic, payloads)
    }

    fn send_to_record(
        &self,
        from: Option<&Pid>,
        record: &ProcessRecord,
        topic: Topic,
        payloads: Payloads,
    ) -> Result<(), RuntimeError> {
        let slot = record.slot().ok_or(RuntimeError::ProcessNotFound)?;
        let message = Message {
            from: from.cloned(),
            topic,
            payloads,
        };
        record
            .host
            .handle()
            .send(slot, Envelope::Message(message))
            .map_err(|_| RuntimeError::ProcessNotFound)?;
        self.inner.counters.message();
        Ok(())
    }

    /// Delivers a lifecycle event as a scheduler notice: it wakes the process at the back
    /// of the worker's queue, so that an EXIT does not push out a process that the
    /// exiting one just answered (see `Handle::send_notice`).
    pub(crate) fn deliver_event(&self, record: &ProcessRecord, event: Event) -> bool {
        match record.slot() {
            Some(slot) => record
                .host
                .handle()
                .send_notice(slot, Envelope::Event(event))
                .is_ok(),
            None => false,
        }
    }

    /// Ends `dest` forcefully: it exits with a "process terminated" error (so its links
    /// get LINK_DOWN) without running again.
    ///
    /// # Errors
    ///
    /// [`RuntimeError::ProcessNotFound`] and the name errors.
    pub fn terminate(&self, dest: Dest<'_>) -> Result<(), RuntimeError> {
        self.terminate_record(&*self.resolve(dest)?)
    }

    /// Terminates the process of `record` (resolved already).
    pub(crate) fn terminate_record(&self, record: &ProcessRecord) -> Result<(), RuntimeError> {
        let slot = record.slot().ok_or(RuntimeError::ProcessNotFound)?;
        record
            .host
            .handle()
            .kill(slot, "terminated")
            .map_err(|_| RuntimeError::ProcessNotFound)
    }

    /// Sends `dest` a CANCEL event with `reason`, from outside any process.
    ///
    /// # Errors
    ///
    /// As [`terminate`](Self::terminate).
    pub fn cancel(&self, dest: Dest<'_>, reason: &str) -> Result<(), RuntimeError> {
        self.cancel_from(None, dest, reason)
    }

    pub(crate) fn cancel_from(
        &self,
        from: Option<&Pid>,
        dest: Dest<'_>,
        reason: &str,
    ) -> Result<(), RuntimeError> {
        let record = self.resolve(dest)?;
        // In line with messages, not as a notice: a process's `cancel` and the messages
        // it sends reach the target in the order it did them
        // (`ProcessContext::recv_mail`).
        let slot = record.slot().ok_or(RuntimeError::ProcessNotFound)?;
        let event = Event::cancel(from.cloned(), Arc::from(reason));
        record
            .host
            .handle()
            .send(slot, Envelope::Event(event))
            .map_err(|_| RuntimeError::ProcessNotFound)
    }

    pub(crate) fn link(&self, me: &ProcessRecord, dest: Dest<'_>) -> Result<(), RuntimeError> {
        let other = self.resolve(dest)?;
        if other.pid == me.pid {
            return Ok(());
        }
        // Target first: if it exits after this, its exit already lists us and sends the
        // LINK_DOWN; our own side is added next.
        other
            .with_live(|theirs| theirs.links.insert(&me.pid))
            .ok_or(RuntimeError::ProcessNotFound)?;
        me.with_live(|mine| mine.links.insert(&other.pid));
        Ok(())
    }

    pub(crate) fn unlink(&self, me: &ProcessRecord, dest: Dest<'_>) -> Result<(), RuntimeError> {
        let other_pid = match self.resolve(dest) {
            Ok(other) => {
                other.with_live(|theirs| theirs.links.remove(&me.pid));
                other.pid.clone()
            }
            Err(RuntimeError::ProcessNotFound) => match dest {
                Dest::Pid(pid) => pid.clone(),
                Dest::Str(text) => text
                    .parse()
                    .map_err(|_| RuntimeError::InvalidPid(text.to_owned()))?,
            },
            Err(other) => return Err(other),
        };
        me.with_live(|mine| mine.links.remove(&other_pid));
        Ok(())
    }

    pub(crate) fn monitor(&self, me: &ProcessRecord, dest: Dest<'_>) -> Result<(), RuntimeError> {
        let other = self.resolve(dest)?;
        let added = other
            .with_live(|theirs| {
                let added = !theirs.monitors.contains(&me.pid);
                theirs.monitors.insert(&me.pid);
                added
            })
            .ok_or(RuntimeError::ProcessNotFound)?;
        if !added {
            // As the original's topology (`ErrAlreadyMonitoring`): one monitor per pair.
            return Err(RuntimeError::AlreadyMonitoring);
        }
        me.with_live(|mine| mine.monitoring.insert(&other.pid));
        Ok(())
    }

    /// Stops `me` monitoring `dest`. An EXIT of `dest` already on its way is dropped when
    /// `me` takes it (`Shell::accept_event`), as `dest` is no longer in `me`'s
    /// `monitoring`; one `me` took already is its own to drop (the Lua driver does).
    pub(crate) fn unmonitor(&self, me: &ProcessRecord, dest: Dest<'_>) -> Result<(), RuntimeError> {
        let pid = match self.resolve(dest) {
            Ok(other) => {
                other.with_live(|theirs| theirs.monitors.remove(&me.pid));
                other.pid.clone()
            }
            // Already gone: its EXIT may still be on its way.
            Err(RuntimeError::ProcessNotFound) => match dest {
                Dest::Pid(pid) => pid.clone(),
                Dest::Str(text) => match text.parse::<Pid>() {
                    Ok(pid) => pid,
                    Err(_) => return Ok(()),
                },
            },
            Err(other) => return Err(other),
        };
        me.with_live(|mine| mine.monitoring.remove(&pid));
        Ok(())
    }

    pub(crate) fn register_record(
        &self,
        name: &str,
        record: &ProcessRecord,
    ) -> Result<(), RuntimeError> {
        self.inner.names.register(name, record)
    }

    /// Registers `name` for the live process `pid` (idempotent for the same process).
    ///
    /// # Errors
    ///
    /// [`RuntimeError::NameTaken`] when another process holds the name,
    /// [`RuntimeError::EmptyName`] for `""`, [`RuntimeError::ProcessNotFound`] when
    /// `pid` is not alive.
    pub fn register(&self, name: &str, pid: &Pid) -> Result<(), RuntimeError> {
        let record = self.resolve(Dest::Pid(pid))?;
        self.inner.names.register(name, &record)
    }

    /// The PID registered under `name`.
    ///
    /// # Errors
    ///
    /// [`RuntimeError::NameNotRegistered`].
    pub fn lookup(&self, name: &str) -> Result<Pid, RuntimeError> {
        self.inner
            .names
            .lookup(name)
            .ok_or_else(|| RuntimeError::NameNotRegistered(name.to_owned()))
    }

    /// Removes `name`; `false` when it was not registered.
    pub fn unregister(&self, name: &str) -> bool {
        match self.inner.names.unregister(name) {
            Some(pid) => {
                if let Some(record) = self.inner.directory.get(pid.counter()) {
                    record.with_live(|r| r.remove_name(name));
                }
                true
            }
            None => false,
        }
    }

    /// Registered names right now.
    pub fn registered_names(&self) -> usize {
        self.inner.names.len()
    }

    /// Undoes the ties of a process the scheduler never ran (its spawn failed).
    pub(crate) fn abandon(&self, record: &ProcessRecord) {
        let relations = record.take_relations();
        let pid = &record.pid;
        self.inner.names.release(pid, relations.names());
        for other in relations.links.iter().chain(relations.monitors.iter()) {
            if let Some(other) = self.inner.directory.get(other.counter()) {
                other.with_live(|theirs| {
                    theirs.links.remove(pid);
                    theirs.monitoring.remove(pid);
                });
            }
        }
    }

    /// The exit protocol, run once per process by its wrapper (`booted`: whether it got
    /// past what could fail its start; `failed_spawner`: the spawner that takes an end
    /// before the boot as its spawn's failure, to which its link and monitor deliver
    /// nothing).
    pub(crate) fn finish(
        &self,
        record: &ProcessRecord,
        outcome: Outcome,
        booted: bool,
        failed_spawner: Option<&Pid>,
    ) {
        let relations = record.take_relations();
        let pid = &record.pid;
        self.inner.directory.remove(pid);
        // Before the EXIT and LINK_DOWN below: whoever takes one and sends to this
        // process through a kept target is refused (`send_to_target`).
        record
            .ended
            .store(true, std::sync::atomic::Ordering::Release);
        self.inner.names.release(pid, relations.names());
        let live = |other: &Pid| {
            self.inner
                .directory
                .get(other.counter())
                .filter(|r| r.pid == *other)
        };
        for watcher in relations.monitors.iter() {
            if Some(watcher) == failed_spawner {
                // Its spawn failed instead: nothing of this process reaches it.
                if let Some(watcher) = live(watcher) {
                    watcher.with_live(|theirs| theirs.monitoring.remove(pid));
                }
                continue;
            }
            if let Some(watcher) = live(watcher) {
                // The watcher takes this process off its `monitoring` when it takes the
                // EXIT (`Shell::accept_event`), so that an `unmonitor` in between drops it.
                self.deliver_event(
                    &watcher,
                    Event::ended(EventKind::Exit, pid.clone(), outcome.clone()),
                );
            }
        }
        for linked in relations.links.iter() {
            if let Some(linked) = live(linked) {
                linked.with_live(|theirs| theirs.links.remove(pid));
                if outcome.is_error() && failed_spawner != Some(&linked.pid) {
                    self.deliver_event(
                        &linked,
                        Event::ended(EventKind::LinkDown, pid.clone(), outcome.clone()),
                    );
                }
            }
        }
        for target in relations.monitoring.iter() {
            if let Some(target) = live(target) {
                target.with_live(|theirs| theirs.monitors.remove(pid));
            }
        }
        self.inner.counters.exited(outcome.is_error());
        match outcome.error() {
            Some(error) => tracing::debug!(%pid, error = %error, "exit"),
            None => tracing::trace!(%pid, "exit"),
        }
        // A process that failed before it booted failed its start instead, as in the
        // original, whose terminal host never runs such a process (its spawn fails).
        if booted && record.host.kind() == HostKind::Terminal {
            if let Some(watcher) = self.inner.terminal_exits.lock().as_ref() {
                // A watcher that has gone away no longer cares.
                let _ = watcher.send(TerminalExit {
                    pid: pid.clone(),
                    entry: record.entry.clone(),
                    outcome: outcome.clone(),
                });
            }
        }
        if let Some(waiter) = &record.waiter {
            waiter.set(outcome);
        }
    }

    /// Stops the whole runtime within `grace` in all (as the original's one shutdown
    /// timeout): services in waves, dependents first (each wave's services get CANCEL
    /// together and their `stop_timeout`, at most what is left of `grace`), then every
    /// host in reverse
    /// start order, whose processes get CANCEL and what is left of `grace` before they
    /// are killed (a killed process stuck in a step for [`ABANDON_AFTER`](crate::host::ABANDON_AFTER)
    /// more is left behind with its host's threads, so that this always returns).
    /// Idempotent.
    pub fn shutdown(&self, grace: Duration) {
        // A century is for ever here; a larger grace would overflow the clock.
        let grace = grace.min(Duration::from_secs(100 * 365 * 86_400));
        let deadline = std::time::Instant::now() + grace;
        crate::lifecycle::stop_services(self, deadline);
        let hosts: Vec<Arc<Host>> = std::mem::take(&mut *self.inner.host_order.lock());
        for host in hosts.iter().rev() {
            let report = host.stop(deadline.saturating_duration_since(std::time::Instant::now()));
            tracing::debug!(host = %host.id(), killed = report.killed, "host stopped");
            if report.abandoned > 0 {
                tracing::warn!(
                    host = %host.id(),
                    processes = report.abandoned,
                    "processes did not stop (stuck in code that cannot be interrupted, such as a long C call); left behind",
                );
            }
        }
        self.inner.hosts.write().clear();
    }
}

/// Who is told of a new process's boot and end.
struct Watchers {
    exit: Option<Arc<ExitWaiter>>,
    boot: Option<Arc<dyn BootWatch>>,
}

/// What a new process gets from its spawner.
struct Ties<'a> {
    parent: Option<&'a Arc<ProcessRecord>>,
    link: bool,
    monitor: bool,
    context: Option<Arc<SpawnContext>>,
}
