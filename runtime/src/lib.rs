//! wippy-runtime: PIDs, names, links and monitors, hosts and supervision on top of wippy-scheduler; filled in by its own issue.
//!
//! The modules that do not need the scheduler are here already:
//!
//! - [`pid`]: the process identifier `{node@host|0x00004}`, its parser and printer.
//! - [`payload`]: the value tree that messages, spawn arguments and registry data carry.
//! - [`registry`]: the YAML registry loader (`_index.yaml` files, `wippy.lock`) and typed
//!   views of the entry kinds the runtime acts on.
#![deny(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

pub mod payload;
pub mod pid;
pub mod registry;
