//! The entry kinds of Wippy's documentation, and the likely meaning of a kind that is
//! none of them (reference §2.2–2.3).
//!
//! The registry keeps an entry of any kind (as the original does: its kinds are open,
//! other components add their own), so a misspelt kind (`process.luaa`) used to surface
//! only when something started or spawned the entry. [`likely_kind`] lets the loader's
//! caller say so at load time instead, without rejecting kinds it cannot judge.

/// Every kind whose whole family this runtime knows: a kind of one of these families
/// that is not listed here is a mistake, not an extension.
const KNOWN_KINDS: &[&str] = &[
    "function.lua",
    "process.lua",
    "workflow.lua",
    "library.lua",
    "module.lua",
    "function.lua.bc",
    "process.lua.bc",
    "workflow.lua.bc",
    "library.lua.bc",
    "module.lua.bc",
    "process.host",
    "process.service",
    "terminal.host",
    "http.service",
    "http.router",
    "http.endpoint",
    "http.static",
    "ns.dependency",
    "ns.definition",
    "registry.entry",
    "env.variable",
    "env.storage.os",
    "env.storage.file",
    "env.storage.memory",
    "env.storage.static",
    "env.storage.router",
];

/// Families (the part before the first dot) that only hold the kinds above.
const CLOSED_FAMILIES: &[&str] = &["process", "terminal", "http", "ns", "registry"];

/// The documented kind `kind` was probably meant to be, when `kind` is not one: a kind
/// within two edits of a documented one (`process.luaa`, `proces.host`), or a kind of
/// a family whose members are all known (`process.lau`, `http.endpint`). `None` for
/// documented kinds and for kinds of other families (`queue.consumer`, `db.sql.postgres`,
/// which this runtime keeps as data without judging them).
pub fn likely_kind(kind: &str) -> Option<&'static str> {
    if KNOWN_KINDS.contains(&kind) {
        return None;
    }
    let (best, distance) = KNOWN_KINDS
        .iter()
        .map(|known| (*known, edit_distance(kind, known)))
        .min_by_key(|(_, d)| *d)?;
    let family = kind.split('.').next().unwrap_or(kind);
    (distance <= 2 || CLOSED_FAMILIES.contains(&family)).then_some(best)
}

/// Levenshtein distance in bytes (kinds are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{edit_distance, likely_kind};

    #[test]
    fn documented_kinds_and_open_families_are_not_judged() {
        for kind in [
            "process.lua",
            "terminal.host",
            "http.endpoint",
            "registry.entry",
            "queue.consumer",
            "db.sql.postgres",
            "template.jet",
            "my.own.kind",
        ] {
            assert_eq!(likely_kind(kind), None, "{kind}");
        }
    }

    #[test]
    fn misspelt_kinds_get_the_nearest_documented_one() {
        assert_eq!(likely_kind("process.luaa"), Some("process.lua"));
        assert_eq!(likely_kind("proces.host"), Some("process.host"));
        assert_eq!(likely_kind("terminal.hots"), Some("terminal.host"));
        assert_eq!(likely_kind("Process.Lua"), Some("process.lua"));
        // A closed family: always a mistake, whatever the distance.
        assert_eq!(likely_kind("http.endpoint.v2"), Some("http.endpoint"));
        assert_eq!(likely_kind("process.supervisor"), Some("process.service"));
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("process.lua", "process.lua"), 0);
    }
}
