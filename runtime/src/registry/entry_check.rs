//! [`EntryCheck`]: what an entry must pass before a change set may create or update it.
//!
//! The runtime knows nothing of the code an entry holds; whoever runs a kind of entry
//! (the Lua bridge, for the Lua kinds) installs a check with
//! [`Runtime::add_entry_check`](crate::Runtime::add_entry_check), and
//! [`Runtime::apply_registry_changes`](crate::Runtime::apply_registry_changes) runs every
//! installed check on every entry the set creates or updates, before anything changes.
//! So a change set whose Lua source does not compile is refused as a whole, as the
//! original's code manager refuses a node it cannot parse (`AddNode`, `UpdateNode`),
//! instead of being applied and failing at the first spawn.
//!
//! Checks are installed once, while the runtime is set up, and then only read.

use super::Entry;

/// A check of an entry that a registry change set creates or updates.
pub trait EntryCheck: Send + Sync + 'static {
    /// `Ok` when `entry` may go into the registry; otherwise why not, in words that name
    /// the entry and, where there is one, the line at fault. Entries the check does not
    /// care about pass.
    ///
    /// # Errors
    ///
    /// The reason the entry is refused.
    fn check(&self, entry: &Entry) -> Result<(), String>;
}

impl<F> EntryCheck for F
where
    F: Fn(&Entry) -> Result<(), String> + Send + Sync + 'static,
{
    fn check(&self, entry: &Entry) -> Result<(), String> {
        self(entry)
    }
}
