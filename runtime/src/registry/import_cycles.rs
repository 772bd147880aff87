//! The check that `imports:` never lead back to the entry that starts them.
//!
//! A library's top level runs when it is first required, and it is remembered only once
//! that top level returns; a library that (through others) imports itself would require
//! itself again and again until the C stack runs out. The original refuses such a graph
//! when the registry is loaded, and so does [`check`], once per cycle, at the `imports:`
//! field that closes it.

use rustc_hash::FxHashMap;

use super::{Entry, EntryId, LoadError, LoadErrorKind};

/// The field prefix of an `imports:` reference (`imports.alias`).
const IMPORTS_FIELD: &str = "imports.";

/// Where the depth-first walk stands with an entry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Not reached yet.
    New,
    /// On the current path: an import of it closes a cycle.
    OnPath,
    /// Every entry it leads to has been walked.
    Done,
}

/// One error for each cycle of `imports:` among `entries` (`index`: id → position).
pub(super) fn check(entries: &[Entry], index: &FxHashMap<EntryId, usize>) -> Vec<LoadError> {
    let imports_of = |at: usize| {
        entries[at]
            .references()
            .iter()
            .filter(|r| r.field().starts_with(IMPORTS_FIELD))
            .filter_map(|r| index.get(r.target()).map(|&to| (r, to)))
            .collect::<Vec<_>>()
    };
    let mut marks = vec![Mark::New; entries.len()];
    let mut errors = Vec::new();
    for start in 0..entries.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // The path from `start`, each with the imports still to follow.
        let mut path = vec![(start, imports_of(start).into_iter())];
        marks[start] = Mark::OnPath;
        while let Some((at, pending)) = path.last_mut() {
            let at = *at;
            let Some((reference, to)) = pending.next() else {
                marks[at] = Mark::Done;
                path.pop();
                continue;
            };
            match marks[to] {
                Mark::Done => {}
                Mark::New => {
                    marks[to] = Mark::OnPath;
                    path.push((to, imports_of(to).into_iter()));
                }
                Mark::OnPath => {
                    let from = path.iter().position(|(i, _)| *i == to).unwrap_or(0);
                    let mut cycle: Vec<EntryId> = path[from..]
                        .iter()
                        .map(|(i, _)| entries[*i].id().clone())
                        .collect();
                    cycle.push(entries[to].id().clone());
                    let entry = &entries[at];
                    errors.push(
                        LoadError::new(
                            entry.location().path(),
                            Some(reference.line()),
                            LoadErrorKind::ImportCycle(cycle),
                        )
                        .with_entry(Some(entry.id().to_string()))
                        .with_field(reference.field()),
                    );
                }
            }
        }
    }
    errors
}
