//! Acting on registry changes to the hosts and services a runtime runs, as the original's
//! host and service managers do when the registry changes under them (R
//! `service/host/manager.go`, `service/supervisor/manager.go`).
//!
//! Called by [`Runtime::apply_registry_changes`] and [`Runtime::apply_registry_version`]
//! once the new version is current, with the registry it replaced:
//! - a **created** host or service with `lifecycle.auto_start` starts (hosts first, so
//!   that a service may run on a host made by the same change set, then in the order a
//!   boot would start them: what a service depends on first); one without `auto_start`
//!   is only in the registry, as at boot. As at boot, a created service's first process
//!   waits until the services it depends on that run have booted a process (it is not
//!   started when one of them ends without booting), and until the previous supervisor
//!   of the same id, removed by an earlier change and still stopping its process (up to
//!   that process's `stop_timeout`), has ended: so a service deleted and created again
//!   never runs two processes at once. The waiting is the new supervisor's own
//!   (`StartAfter`), so the caller does not wait;
//! - a **deleted** service stops: its supervisor gets CANCEL, which stops its process as
//!   at shutdown (CANCEL, then terminate after `stop_timeout`), dependents first. A
//!   deleted host stops with its processes (CANCEL, killed after the host's
//!   `stop_timeout`), on a thread of its own, so that the caller (a Lua process, on a
//!   worker) never waits for it;
//! - an **updated** service keeps its running process; its supervisor takes the new
//!   entry (process, host, input, lifecycle) at the next start of the process, as the
//!   original stores an updated service's config for its next start. An updated host
//!   is stopped and started again from its new entry, as the original's host manager
//!   deletes and adds it; the services whose processes ran on it restart them there
//!   only as their restart policy says (a process that ends normally on CANCEL is not
//!   restarted);
//! - a change set acts by its net effect on each id, as the original's supervisor keeps
//!   one operation per id with the latest entry: an id created and deleted in one set
//!   starts nothing, one created and updated starts once with its latest entry, one
//!   deleted and created again stops and starts;
//! - a created service also starts what it depends on that does not run (its
//!   `requires`, its host), as a boot starts an entry's requirements;
//! - an entry whose kind differs between two versions (a change set refuses such an
//!   update, but `apply_version` may go between branches that made the id with two
//!   kinds) is a delete of the old one and a create of the new.
//!
//! Starting can fail after the change is in the registry (say, a service whose host is
//! not running): the change stays, as in the original, where the supervisor logs the
//! failure, and the error is logged naming the entry.
//!
//! [`Runtime::apply_registry_changes`]: crate::Runtime::apply_registry_changes
//! [`Runtime::apply_registry_version`]: crate::Runtime::apply_registry_version

use crate::lifecycle::{dependencies, start_order};
use crate::registry::{Change, Entry, EntryConfig, EntryId, Lifecycle, Registry};
use crate::runtime::{Dest, Runtime};
use crate::service::supervisor::StartAfter;
use std::collections::{HashMap, HashSet};

/// What a change set asks of the running hosts and services, in the order it is done.
#[derive(Default)]
struct Plan<'a> {
    stop_services: Vec<&'a EntryId>,
    update_services: Vec<&'a Entry>,
    stop_hosts: Vec<&'a Entry>,
    start: Vec<&'a Entry>,
}

fn is_host(entry: &Entry) -> bool {
    matches!(
        entry.config(),
        EntryConfig::ProcessHost(_) | EntryConfig::TerminalHost(_)
    )
}

fn is_service(entry: &Entry) -> bool {
    matches!(entry.config(), EntryConfig::ProcessService(_))
}

fn auto_starts(entry: &Entry) -> bool {
    (is_host(entry) || is_service(entry)) && entry.lifecycle().is_some_and(|l| l.auto_start)
}

impl<'a> Plan<'a> {
    /// The plan for the net effect of `changes` on each id they touch, from `before` to
    /// `after`, in the order the ids first appear: an id created and deleted in one set
    /// is nothing, one created and updated is one create of its latest entry, one
    /// deleted and created again is a stop and a start (as is a host's update or a change
    /// of kind), and a service updated in place is an update.
    fn of(before: &'a Registry, after: &'a Registry, changes: &'a [Change]) -> Plan<'a> {
        let mut plan = Plan::default();
        let deleted: HashSet<&EntryId> = changes.iter().filter_map(Change::deleted_id).collect();
        let mut seen: HashSet<&EntryId> = HashSet::new();
        for change in changes {
            let id = change.id();
            if !seen.insert(id) {
                continue;
            }
            let deleted_in_set = deleted.contains(id);
            match (before.get(id), after.get(id)) {
                (None, None) => {}
                (None, Some(new)) => plan.created(new),
                (Some(old), None) => plan.removed(old),
                (Some(old), Some(new)) if !deleted_in_set && is_service(old) && is_service(new) => {
                    plan.update_services.push(new);
                }
                (Some(old), Some(new)) => {
                    plan.removed(old);
                    plan.created(new);
                }
            }
        }
        plan
    }

    /// Orders the starts as a boot of `after` would start them (what an entry depends
    /// on, its host and its `depends_on`, first), and the service stops as a shutdown of
    /// `before` would stop them (dependents first), as the original's supervisor orders
    /// the operations of a change. Hosts go before services either way, so that a
    /// service may run on a host made by the same change set.
    fn in_dependency_order(&mut self, before: &Registry, after: &Registry) {
        let after_order = boot_positions(after);
        self.start.sort_by_key(|entry| {
            (
                !is_host(entry),
                after_order.get(entry.id()).copied().unwrap_or(usize::MAX),
            )
        });
        let before_order = boot_positions(before);
        self.stop_services.sort_by_key(|id| {
            std::cmp::Reverse(before_order.get(*id).copied().unwrap_or(usize::MAX))
        });
    }

    fn created(&mut self, entry: &'a Entry) {
        if auto_starts(entry) {
            self.start.push(entry);
        }
    }

    fn removed(&mut self, old: &'a Entry) {
        if is_service(old) {
            self.stop_services.push(old.id());
        } else if is_host(old) {
            self.stop_hosts.push(old);
        }
    }
}

/// Starts, stops and updates the hosts and services `changes` touch (see the module
/// docs); `before` is the registry the changes were applied to.
pub(crate) fn act_on_changes(runtime: &Runtime, before: &Registry, changes: &[Change]) {
    let after = runtime.registry();
    let mut plan = Plan::of(before, &after, changes);
    with_dependencies_not_running(runtime, &after, &mut plan.start);
    plan.in_dependency_order(before, &after);
    runtime
        .inner
        .lifecycle
        .stopping
        .lock()
        .retain(|_, supervisors| {
            supervisors.retain(|supervisor| runtime.is_alive(supervisor));
            !supervisors.is_empty()
        });
    for id in plan.stop_services {
        stop_service(runtime, id);
    }
    for entry in plan.update_services {
        update_service(runtime, entry);
    }
    for old in plan.stop_hosts {
        stop_host(runtime, old);
    }
    for entry in plan.start {
        match runtime.start_entry_after(entry, start_after(runtime, &after, entry)) {
            Ok(_) => tracing::info!(entry = %entry.id(), "started after a registry change"),
            Err(error) => tracing::error!(
                entry = %entry.id(),
                %error,
                "not started after a registry change"
            ),
        }
    }
}

/// Each entry's place in the order a boot of `registry` starts its entries (empty when
/// that order cannot be made, say for a missing dependency: the change set's order
/// stands then, and the start that cannot be done is logged).
fn boot_positions(registry: &Registry) -> HashMap<EntryId, usize> {
    start_order(registry)
        .map(|order| {
            order
                .into_iter()
                .enumerate()
                .map(|(i, id)| (id, i))
                .collect()
        })
        .unwrap_or_default()
}

/// Adds to `start` what its entries depend on (`requires`, `depends_on`, a service's
/// host), and what those depend on, that does not run: a boot starts an entry's
/// requirements with it, whether they `auto_start` or not, and so does the original's
/// supervisor for a change.
fn with_dependencies_not_running<'a>(
    runtime: &Runtime,
    registry: &'a Registry,
    start: &mut Vec<&'a Entry>,
) {
    let mut next = 0;
    while let Some(&entry) = start.get(next) {
        next += 1;
        for dependency in dependencies(registry, entry) {
            let Some(needed) = registry.get(&dependency) else {
                continue;
            };
            let runs = if is_service(needed) {
                runtime.service(dependency.as_str()).is_some()
            } else if is_host(needed) {
                runtime.host(dependency.as_str()).is_some()
            } else {
                // Not a kind this runtime starts: a start of it would only fail.
                true
            };
            if !runs && !start.iter().any(|e| e.id() == needed.id()) {
                start.push(needed);
            }
        }
    }
}

/// What the service `entry` waits for before its first process, as a boot would have
/// it wait: every supervisor of a service of the same id that a change removed and
/// that may still be stopping (a waiting one that was removed too included, so a chain
/// of deletes and creates still runs one process at a time), and the services it depends on that run (started before it,
/// so no two wait for each other). A dependency that does not run (its start failed,
/// and was logged) is not waited for: nothing would start it.
fn start_after(runtime: &Runtime, registry: &Registry, entry: &Entry) -> StartAfter {
    if !is_service(entry) {
        return StartAfter::default();
    }
    let predecessors = runtime
        .inner
        .lifecycle
        .stopping
        .lock()
        .get(entry.id())
        .cloned()
        .unwrap_or_default();
    let services = dependencies(registry, entry)
        .into_iter()
        .filter_map(|dependency| {
            let service = runtime.service(dependency.as_str());
            if service.is_none() && registry.get(&dependency).is_some_and(is_service) {
                tracing::warn!(service = %entry.id(), %dependency, "service depends on a service that did not start; not waiting for it");
            }
            service.map(|service| (dependency, service.status))
        })
        .collect();
    StartAfter {
        predecessors,
        services,
    }
}

fn stop_service(runtime: &Runtime, id: &EntryId) {
    let Some(service) = runtime.forget_service(id) else {
        return;
    };
    runtime
        .inner
        .lifecycle
        .stopping
        .lock()
        .entry(id.clone())
        .or_default()
        .push(service.supervisor.clone());
    if runtime
        .cancel(
            Dest::Pid(&service.supervisor),
            "service removed from the registry",
        )
        .is_ok()
    {
        tracing::info!(service = %id, "service stopping: removed from the registry");
    }
}

fn update_service(runtime: &Runtime, entry: &Entry) {
    let EntryConfig::ProcessService(config) = entry.config() else {
        return;
    };
    let Some(service) = runtime.service(entry.id().as_str()) else {
        // Not running (no `auto_start`): the registry alone holds it, as before.
        return;
    };
    match runtime.service_spec(entry, config) {
        Ok(spec) => {
            runtime.set_service_stop_timeout(entry.id(), spec.lifecycle.stop_timeout);
            *service.update.lock() = Some(spec);
            tracing::info!(service = %entry.id(), "service updated: its next start runs the new entry");
        }
        Err(error) => tracing::error!(
            service = %entry.id(),
            %error,
            "service update not taken: it goes on with its entry as it was"
        ),
    }
}

fn stop_host(runtime: &Runtime, old: &Entry) {
    let Some(host) = runtime.remove_host(old.id().as_str()) else {
        return;
    };
    let grace = old
        .lifecycle()
        .map_or(Lifecycle::DEFAULT_TIMEOUT, |l| l.stop_timeout);
    let id = old.id().clone();
    let stopping = std::thread::Builder::new()
        .name(format!("stop {id}"))
        .spawn(move || {
            let report = host.stop(grace);
            tracing::info!(host = %id, killed = report.killed, abandoned = report.abandoned, "host stopped: removed from the registry");
        });
    if let Err(error) = stopping {
        tracing::error!(host = %old.id(), %error, "host left running: no thread to stop it");
    }
}
