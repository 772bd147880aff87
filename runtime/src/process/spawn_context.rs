//! [`SpawnContext`]: what a process hands down to the processes it spawns.

use crate::payload::{Map, Payload};

/// The values a process's spawns inherit (the original's context): named values a
/// process reads back (Lua's `ctx.get`), and the security actor and scope it acts as.
///
/// Owned by the runtime's record of each process and shared by `Arc`: a process that
/// spawns without changing it hands on the same one; a spawn that adds values or sets
/// an actor or scope ([`SpawnSpec::context`](crate::SpawnSpec::context)) gives the
/// child a new one built from its spawner's. The runtime only carries it; the bodies
/// (`wippy-lua`) give it meaning.
#[derive(Debug, Default, Clone, PartialEq)]
#[non_exhaustive]
pub struct SpawnContext {
    /// Named values.
    pub values: Map,
    /// The security actor, if any (its payload form: `{id, meta}`).
    pub actor: Option<Payload>,
    /// The security scope, if any (its payload form).
    pub scope: Option<Payload>,
}

impl SpawnContext {
    /// An empty context.
    pub fn new() -> SpawnContext {
        SpawnContext::default()
    }
}
