//! wippy-runtime: the actor semantics of Wippy on top of `wippy-scheduler`.
//!
//! - [`pid`]: the process identifier `{node@host|0x00004}`, its parser and printer.
//! - [`payload`]: the value tree that messages, spawn arguments and registry data carry.
//! - [`message`]: messages (topic plus payloads) and lifecycle events.
//! - [`Runtime`]: hosts (one scheduler per `process.host`), spawning by entry and host,
//!   sending by PID or name, links, monitors, cancel and terminate, the name registry.
//! - [`process`]: the [`ProcessBody`](process::ProcessBody) trait a process runs (plain
//!   Rust, or a Lua VM from `wippy-lua`) and the context it runs with.
//! - [`router`]: topic subscriptions, the inbox, and messages waiting for either.
//! - [`service`] and [`lifecycle`]: `process.service` supervision with back-off, and the
//!   start/stop order of the registry's entries.
//! - [`registry`]: the YAML registry loader.
//! - [`config`]: the settings file `.wippy.yaml` (shutdown timeout, log settings, entry
//!   overrides).
//! - [`signals`]: shutdown on SIGINT/SIGTERM.
#![deny(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

pub mod config;
pub mod environment;
pub mod error;
mod event_bus;
pub mod host;
pub mod lifecycle;
mod live_changes;
pub mod message;
mod metrics;
mod names;
pub mod payload;
pub mod pid;
pub mod process;
pub mod registry;
mod regular_file;
pub mod router;
mod runtime;
pub mod service;
pub mod signals;

pub use error::RuntimeError;
pub use event_bus::EventSubscription;
pub use metrics::{Metrics, StripedCounter};
pub use runtime::{Dest, Runtime, SpawnSpec, TerminalExit};
