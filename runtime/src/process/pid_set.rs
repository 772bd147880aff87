//! [`PidSet`]: the local processes one process is tied to (its links, its monitors, the
//! processes it monitors).
//!
//! Most processes are tied to none or one (a worker to the relay that monitors it), so
//! the set starts as a vector with room for one member inline (with room for two, the
//! three sets of a process record pushed it into the allocator's next size class).
//! A process that monitors or links thousands (a relay monitoring every worker it
//! spawns, a supervisor) would make each exit scan that vector, so past
//! [`SMALL_LIMIT`] entries the set becomes a hash map keyed by PID counter.
//!
//! Only local PIDs are stored (links and monitors resolve their target in the node's
//! directory first), and a node's counters are unique across its hosts, so the counter
//! alone identifies a member.

use crate::pid::Pid;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// Entries kept inline before the set switches to a map.
const SMALL_LIMIT: usize = 16;

/// A set of local PIDs. Owned by a process record's `Relations`, under its lock.
#[derive(Debug, Clone)]
pub(crate) enum PidSet {
    /// Up to `SMALL_LIMIT` members, in insertion order.
    Small(SmallVec<[Pid; 1]>),
    /// More, by counter.
    Large(FxHashMap<u64, Pid>),
}

impl Default for PidSet {
    fn default() -> PidSet {
        PidSet::Small(SmallVec::new())
    }
}

impl PidSet {
    /// Adds `pid` unless it is a member already.
    pub(crate) fn insert(&mut self, pid: &Pid) {
        match self {
            PidSet::Small(pids) => {
                if pids.contains(pid) {
                    return;
                }
                if pids.len() < SMALL_LIMIT {
                    pids.push(pid.clone());
                    return;
                }
                let mut map: FxHashMap<u64, Pid> =
                    pids.drain(..).map(|p| (p.counter(), p)).collect();
                map.insert(pid.counter(), pid.clone());
                *self = PidSet::Large(map);
            }
            PidSet::Large(map) => {
                map.entry(pid.counter()).or_insert_with(|| pid.clone());
            }
        }
    }

    /// Removes `pid` if it is a member.
    pub(crate) fn remove(&mut self, pid: &Pid) {
        match self {
            PidSet::Small(pids) => pids.retain(|p| p != pid),
            PidSet::Large(map) => {
                if map.get(&pid.counter()).is_some_and(|p| p == pid) {
                    map.remove(&pid.counter());
                }
            }
        }
    }

    /// `true` if `pid` is a member.
    pub(crate) fn contains(&self, pid: &Pid) -> bool {
        match self {
            PidSet::Small(pids) => pids.contains(pid),
            PidSet::Large(map) => map.get(&pid.counter()).is_some_and(|p| p == pid),
        }
    }

    /// The number of members.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        match self {
            PidSet::Small(pids) => pids.len(),
            PidSet::Large(map) => map.len(),
        }
    }

    /// The members (in insertion order while the set is small; unordered after).
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Pid> {
        let (small, large) = match self {
            PidSet::Small(pids) => (Some(pids.iter()), None),
            PidSet::Large(map) => (None, Some(map.values())),
        };
        small
            .into_iter()
            .flatten()
            .chain(large.into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pid::PidHost;

    #[test]
    fn keeps_members_unique_across_the_switch_to_a_map() {
        let host = PidHost::local("h").unwrap();
        let mut set = PidSet::default();
        for round in 0..2 {
            for counter in 0..40 {
                set.insert(&host.pid(counter));
            }
            assert_eq!(set.len(), 40, "round {round}");
        }
        assert!(matches!(set, PidSet::Large(_)));
        for counter in (0..40).step_by(2) {
            set.remove(&host.pid(counter));
        }
        assert_eq!(set.len(), 20);
        assert!(set.contains(&host.pid(1)));
        assert!(!set.contains(&host.pid(2)));
        let mut seen: Vec<u64> = set.iter().map(Pid::counter).collect();
        seen.sort_unstable();
        assert_eq!(seen, (1..40).step_by(2).collect::<Vec<_>>());
    }

    #[test]
    fn small_sets_keep_insertion_order_and_ignore_unknown_removals() {
        let host = PidHost::local("h").unwrap();
        let mut set = PidSet::default();
        for counter in [5, 3, 9, 3] {
            set.insert(&host.pid(counter));
        }
        set.remove(&host.pid(77));
        let order: Vec<u64> = set.iter().map(Pid::counter).collect();
        assert_eq!(order, [5, 3, 9]);
    }

    #[test]
    fn a_map_member_is_removed_only_by_its_own_pid() {
        let mut set = PidSet::default();
        let here = PidHost::local("here").unwrap();
        let there = PidHost::local("there").unwrap();
        for counter in 0..20 {
            set.insert(&here.pid(counter));
        }
        set.remove(&there.pid(3));
        assert!(set.contains(&here.pid(3)));
    }
}
