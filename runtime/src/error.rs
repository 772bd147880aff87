//! The runtime's typed errors, and their conversion into the structured error values
//! that Lua code sees (`err:kind()`, `err:message()`).

use crate::payload::{ErrorKind, ErrorValue};
use std::fmt;

/// Why a runtime operation failed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum RuntimeError {
    /// The destination PID names no live process.
    ProcessNotFound,
    /// The destination name is not registered (`could not resolve: <name>`).
    Unresolved(String),
    /// `lookup`: the name is not registered.
    NameNotRegistered(String),
    /// `register`: the name belongs to another live process.
    NameTaken(String),
    /// `register`: the name is empty.
    EmptyName,
    /// The string is not a PID.
    InvalidPid(String),
    /// Topics starting with `@` are reserved for the runtime.
    ReservedTopic(String),
    /// No entry with this id in the registry.
    EntryNotFound(String),
    /// The entry exists but cannot be spawned as a process.
    NotSpawnable {
        /// The entry.
        entry: String,
        /// Its kind.
        kind: String,
    },
    /// No started host with this id.
    HostNotFound(String),
    /// The host is stopping or its process table is full.
    HostUnavailable(String),
    /// A terminal host runs exactly one process, and it still runs.
    TerminalBusy {
        /// The terminal host.
        host: String,
        /// The process that holds it.
        occupant: String,
    },
    /// Building the process body failed (e.g. the Lua source does not compile).
    Body(ErrorValue),
    /// An option the runtime does not support.
    UnsupportedOption(String),
    /// `monitor`: this process monitors that one already.
    AlreadyMonitoring,
}

impl RuntimeError {
    /// The error kind Lua code sees.
    pub fn kind(&self) -> ErrorKind {
        match self {
            RuntimeError::ProcessNotFound
            | RuntimeError::Unresolved(_)
            | RuntimeError::NameNotRegistered(_)
            | RuntimeError::EntryNotFound(_)
            // The original's "factory not found" for an entry that is no process.
            | RuntimeError::NotSpawnable { .. }
            | RuntimeError::HostNotFound(_) => ErrorKind::NotFound,
            RuntimeError::NameTaken(_) | RuntimeError::AlreadyMonitoring => {
                ErrorKind::AlreadyExists
            }
            RuntimeError::InvalidPid(_)
            | RuntimeError::EmptyName
            | RuntimeError::ReservedTopic(_)
            | RuntimeError::UnsupportedOption(_) => ErrorKind::Invalid,
            RuntimeError::HostUnavailable(_) | RuntimeError::TerminalBusy { .. } => {
                ErrorKind::Unavailable
            }
            RuntimeError::Body(error) => error.kind().clone(),
        }
    }

    /// The structured error value Lua code sees.
    pub fn to_error_value(&self) -> ErrorValue {
        match self {
            RuntimeError::Body(error) => error.clone(),
            other => ErrorValue::new(other.kind(), other.to_string()),
        }
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuntimeError::ProcessNotFound => f.write_str("process not found"),
            RuntimeError::Unresolved(name) => write!(f, "could not resolve: {name}"),
            RuntimeError::NameNotRegistered(name) => write!(f, "name not registered: {name}"),
            RuntimeError::NameTaken(name) => {
                write!(f, "name already registered to another process: {name}")
            }
            RuntimeError::EmptyName => f.write_str("name must not be empty"),
            RuntimeError::InvalidPid(text) => write!(f, "invalid pid: {text:?}"),
            // The original's exact text, which scripts compare (its
            // `TestSend_AtTopicRejected`); the topic stays in the variant.
            RuntimeError::ReservedTopic(_) => f.write_str("cannot send to @ topics"),
            RuntimeError::EntryNotFound(id) => write!(f, "entry not found: {id}"),
            RuntimeError::NotSpawnable { entry, kind } => {
                write!(
                    f,
                    "entry {entry} of kind {kind} cannot be spawned as a process"
                )
            }
            RuntimeError::HostNotFound(id) => write!(f, "host not found or not started: {id}"),
            RuntimeError::HostUnavailable(id) => write!(f, "host {id} is not accepting processes"),
            RuntimeError::TerminalBusy { host, occupant } => write!(
                f,
                "terminal host {host} already runs process {occupant} (a terminal host runs exactly one process)"
            ),
            RuntimeError::Body(error) => f.write_str(error.message()),
            RuntimeError::UnsupportedOption(name) => write!(f, "option {name} is not supported"),
            RuntimeError::AlreadyMonitoring => f.write_str("already monitoring pid"),
        }
    }
}

impl std::error::Error for RuntimeError {}
