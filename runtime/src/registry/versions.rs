//! Registry versions: the registry a runtime runs changes through change sets, and every
//! state it has been in is a version that can be read and gone back to (the original's
//! `registry.snapshot`, `changes:apply`, `registry.apply_version`; reference: R
//! `system/registry/registry.go`).
//!
//! - Version 1 is the registry the runtime was started with, made from version 0, the
//!   empty registry, as the original's boot applies the loaded entries as a change set
//!   to its empty root version. Each applied change set makes a version numbered one
//!   past the highest so far, whose `previous` is the version it was applied to; that
//!   version's `next` becomes the new one (the last one made from it, when history has
//!   branched after going back).
//! - [`Versions::apply_version`] makes an earlier (or later) version current again; the
//!   next change set then branches from it.
//! - Every version keeps its whole registry (entries are cloned per version), so reading
//!   one is immediate and history grows by one registry per change set.
//!
//! What changes may touch: entries the runtime reads when it is used (Lua functions,
//! processes and libraries, `registry.entry` data, any kind it does not act on), and the
//! hosts and services it runs, which the runtime starts, stops or reconfigures when a
//! change set (or a version gone back to) creates, deletes or updates them
//! (`Runtime::apply_registry_changes`, `lifecycle::act_on_changes`). The kinds it reads
//! only when it starts (`ns.dependency`, environment storages and variables) and entries
//! of other kinds with a lifecycle (which it does not start) are refused in a change
//! set, with an error naming the entry.
//!
//! Readers ([`Versions::current`]) take the current registry without a lock (an
//! [`ArcSwap`]); writers (apply, apply_version) are serialized by one mutex, and each
//! change set applies to the registry current when it is applied, whatever snapshot it
//! was built from.

use std::fmt;
use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};
use parking_lot::Mutex;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{Change, Entry, EntryConfig, EntryId, LoadErrorKind, LoadErrors, Registry};

/// A version's place in the history (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionInfo {
    /// The version number: 1 for the registry the runtime started with, 0 for the
    /// empty registry before it.
    pub id: u64,
    /// The version the change set making this one was applied to.
    pub previous: Option<u64>,
    /// The last version made from this one.
    pub next: Option<u64>,
}

/// Why a change set or a version could not be applied.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ChangeError {
    /// The change set has no operations.
    Empty,
    /// A create names an entry the registry has.
    AlreadyExists(EntryId),
    /// An update or delete names an entry the registry does not have.
    NotFound(EntryId),
    /// An update gives an entry another kind, which the original refuses too (delete
    /// it and create it anew).
    KindChange {
        /// The entry.
        id: EntryId,
        /// Its kind now.
        from: String,
        /// The kind the update gives it.
        to: String,
    },
    /// The change touches an entry the runtime reads only when it starts (a dependency,
    /// an environment entry) or an entry with a lifecycle of a kind it does not start.
    StartedAtBoot {
        /// The entry.
        id: EntryId,
        /// Its kind.
        kind: String,
    },
    /// A create or update makes an `ns.dependency`: its module would have to be found and
    /// installed while the runtime runs, which this runtime does not do (it has no hub).
    /// The original resolves it there, and fails so when it cannot.
    DependencyUnresolved {
        /// The entry.
        id: EntryId,
        /// The module it asks for, `org/name`.
        component: String,
    },
    /// The registry the change set would make fails the loader's checks (a reference to
    /// an entry it does not have, an import cycle, ...): every problem.
    Invalid(LoadErrors),
    /// An entry the set creates or updates fails an installed
    /// [`EntryCheck`](super::EntryCheck) (its Lua source does not compile, say).
    Refused {
        /// The entry.
        id: EntryId,
        /// Why, in the check's words.
        reason: String,
    },
    /// No version has this number.
    UnknownVersion(u64),
}

impl fmt::Display for ChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeError::Empty => f.write_str("no changes to apply"),
            ChangeError::AlreadyExists(id) => {
                write!(
                    f,
                    "entry {id} already exists (create needs a new id; use update)"
                )
            }
            ChangeError::NotFound(id) => write!(f, "entry not found: {id}"),
            ChangeError::KindChange { id, from, to } => write!(
                f,
                "cannot change entry kind from {from} to {to} for {id} \
                 (delete the entry and create it anew)"
            ),
            ChangeError::StartedAtBoot { id, kind } => write!(
                f,
                "entry {id} (kind {kind}) cannot be changed while the runtime runs \
                 (dependencies and environment entries are read only when it starts, and \
                 of the entries with a lifecycle only hosts and services are run)"
            ),
            ChangeError::DependencyUnresolved { id, component } => write!(
                f,
                "dependency resolution failed: entry {id} asks for {component}, and this \
                 runtime resolves no dependency while it runs (it has no hub)"
            ),
            ChangeError::Invalid(errors) => write!(f, "{errors}"),
            ChangeError::Refused { id, reason } => write!(f, "entry {id} refused: {reason}"),
            ChangeError::UnknownVersion(id) => write!(f, "version not found: v{id}"),
        }
    }
}

impl std::error::Error for ChangeError {}

/// The loader's errors about a registry a change set would make, with each reference to
/// an entry the registry would not have said as such: to an entry the change set deletes,
/// or to one that was never there (the loader's own words speak of loaded files).
fn dangling_after(changes: &[Change], errors: LoadErrors) -> LoadErrors {
    let deleted: FxHashSet<&EntryId> = changes.iter().filter_map(Change::deleted_id).collect();
    let errors = errors.into_vec().into_iter().map(|error| {
        let LoadErrorKind::UnknownReference(target) = error.kind() else {
            return error;
        };
        let kind = LoadErrorKind::DanglingAfterChange {
            deleted: deleted.contains(target),
            target: target.clone(),
        };
        error.with_kind(kind)
    });
    LoadErrors::from_vec(errors.collect()).expect("as many errors as before, at least one")
}

/// The registry versions of one runtime (see the [module docs](self)).
pub struct Versions {
    /// The registry of the current version, for readers.
    current: ArcSwap<Registry>,
    /// Every version; the writers' lock.
    history: Mutex<History>,
}

struct History {
    /// Indexed by version number.
    records: Vec<Record>,
    current: u64,
}

struct Record {
    previous: Option<u64>,
    next: Option<u64>,
    registry: Arc<Registry>,
}

impl History {
    fn info(&self, id: u64) -> Option<VersionInfo> {
        let record = self.records.get(usize::try_from(id).ok()?)?;
        Some(VersionInfo {
            id,
            previous: record.previous,
            next: record.next,
        })
    }

    fn record(&self, id: u64) -> &Record {
        &self.records[usize::try_from(id).expect("version numbers index the records")]
    }
}

impl fmt::Debug for Versions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let history = self.history.lock();
        f.debug_struct("Versions")
            .field("current", &history.current)
            .field("versions", &history.records.len())
            .finish()
    }
}

/// Whether a change set may not touch `entry`: the runtime reads it only when it starts,
/// or it has a lifecycle and is of a kind the runtime does not run. Hosts and services
/// may change: the runtime acts on them (`lifecycle::act_on_changes`).
fn started_at_boot(entry: &Entry) -> bool {
    match entry.config() {
        EntryConfig::ProcessHost(_)
        | EntryConfig::TerminalHost(_)
        | EntryConfig::ProcessService(_) => false,
        EntryConfig::NsDependency(_) | EntryConfig::EnvStorage(_) | EntryConfig::EnvVariable(_) => {
            true
        }
        _ => entry.lifecycle().is_some(),
    }
}

fn changeable(entry: &Entry) -> Result<(), ChangeError> {
    if started_at_boot(entry) {
        return Err(ChangeError::StartedAtBoot {
            id: entry.id().clone(),
            kind: entry.kind().to_owned(),
        });
    }
    Ok(())
}

/// As [`changeable`], for the entry a create or an update makes: a new dependency is
/// refused as the original's resolver refuses one it cannot resolve.
fn makeable(entry: &Entry) -> Result<(), ChangeError> {
    if let EntryConfig::NsDependency(dependency) = entry.config() {
        return Err(ChangeError::DependencyUnresolved {
            id: entry.id().clone(),
            component: dependency.component.clone(),
        });
    }
    changeable(entry)
}

impl Versions {
    /// The history of a runtime started with `registry`: version 1, current, made from
    /// version 0, the empty registry.
    pub fn new(registry: Registry) -> Versions {
        let registry = Arc::new(registry);
        let empty = Arc::new(Registry::default());
        Versions {
            current: ArcSwap::new(registry.clone()),
            history: Mutex::new(History {
                records: vec![
                    Record {
                        previous: None,
                        next: Some(1),
                        registry: empty,
                    },
                    Record {
                        previous: Some(0),
                        next: None,
                        registry,
                    },
                ],
                current: 1,
            }),
        }
    }

    /// The registry of the current version. Takes no lock; hold the guard briefly.
    pub fn current(&self) -> Guard<Arc<Registry>> {
        self.current.load()
    }

    /// The registry of the current version, to keep.
    pub fn current_registry(&self) -> Arc<Registry> {
        self.current.load_full()
    }

    /// The current version.
    pub fn current_version(&self) -> VersionInfo {
        let history = self.history.lock();
        history
            .info(history.current)
            .expect("the current version is recorded")
    }

    /// The current version and its registry, read together.
    pub fn snapshot(&self) -> (VersionInfo, Arc<Registry>) {
        let history = self.history.lock();
        let id = history.current;
        (
            history.info(id).expect("the current version is recorded"),
            history.record(id).registry.clone(),
        )
    }

    /// Every version, oldest first.
    pub fn versions(&self) -> Vec<VersionInfo> {
        let history = self.history.lock();
        (0..history.records.len() as u64)
            .filter_map(|id| history.info(id))
            .collect()
    }

    /// The version numbered `id`.
    pub fn version(&self, id: u64) -> Option<VersionInfo> {
        self.history.lock().info(id)
    }

    /// The registry of version `id`.
    pub fn registry_at(&self, id: u64) -> Option<Arc<Registry>> {
        let history = self.history.lock();
        history.info(id)?;
        Some(history.record(id).registry.clone())
    }

    /// Applies `changes`, in order, to the current registry, making a new version that
    /// becomes current. Nothing changes when it fails.
    ///
    /// # Errors
    ///
    /// No changes; a create of an id the registry has, an update or delete of one it
    /// has not (counting the earlier operations of the set); an entry of a kind the
    /// runtime acts on only when it starts; a registry that fails the loader's checks.
    pub fn apply(&self, changes: &[Change]) -> Result<VersionInfo, ChangeError> {
        if changes.is_empty() {
            return Err(ChangeError::Empty);
        }
        let mut history = self.history.lock();
        let base = history.current;
        let mut slots: Vec<Option<Entry>> = history
            .record(base)
            .registry
            .iter()
            .cloned()
            .map(Some)
            .collect();
        let mut at: FxHashMap<EntryId, usize> = slots
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().map(|e| (e.id().clone(), i)))
            .collect();
        for change in changes {
            match change {
                Change::Create(entry) => {
                    if at.contains_key(entry.id()) {
                        return Err(ChangeError::AlreadyExists(entry.id().clone()));
                    }
                    makeable(entry)?;
                    at.insert(entry.id().clone(), slots.len());
                    slots.push(Some(entry.clone()));
                }
                Change::Update(entry) => {
                    let Some(&i) = at.get(entry.id()) else {
                        return Err(ChangeError::NotFound(entry.id().clone()));
                    };
                    if let Some(old) = &slots[i]
                        && old.kind() != entry.kind()
                    {
                        return Err(ChangeError::KindChange {
                            id: entry.id().clone(),
                            from: old.kind().to_owned(),
                            to: entry.kind().to_owned(),
                        });
                    }
                    makeable(entry)?;
                    if let Some(old) = &slots[i] {
                        changeable(old)?;
                    }
                    slots[i] = Some(entry.clone());
                }
                Change::Delete(id) => {
                    let Some(i) = at.remove(id) else {
                        return Err(ChangeError::NotFound(id.clone()));
                    };
                    if let Some(old) = &slots[i] {
                        changeable(old)?;
                    }
                    slots[i] = None;
                }
            }
        }
        let registry = Arc::new(
            Registry::from_entries(slots.into_iter().flatten().collect())
                .map_err(|errors| ChangeError::Invalid(dangling_after(changes, errors)))?,
        );
        let id = history.records.len() as u64;
        history.records.push(Record {
            previous: Some(base),
            next: None,
            registry: registry.clone(),
        });
        let base_slot = usize::try_from(base).expect("version numbers index the records");
        history.records[base_slot].next = Some(id);
        history.current = id;
        self.current.store(registry);
        Ok(history.info(id).expect("just recorded"))
    }

    /// Makes version `id` current again (going back, or forward after going back);
    /// returns it and the operations that led from the version current before to it
    /// ([`Registry::changes_to`]; none when it was current).
    ///
    /// # Errors
    ///
    /// [`ChangeError::UnknownVersion`] when no version has this number.
    pub fn apply_version(&self, id: u64) -> Result<(VersionInfo, Vec<Change>), ChangeError> {
        let mut history = self.history.lock();
        let Some(info) = history.info(id) else {
            return Err(ChangeError::UnknownVersion(id));
        };
        let mut changes = Vec::new();
        if history.current != id {
            let before = history.record(history.current).registry.clone();
            let after = history.record(id).registry.clone();
            changes = before.changes_to(&after);
            history.current = id;
            self.current.store(after);
        }
        Ok((info, changes))
    }
}
