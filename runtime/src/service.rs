//! `process.service`: a process run under a supervisor that restarts it after error
//! exits, with exponential back-off.

pub mod backoff;
pub(crate) mod supervisor;

pub use supervisor::{START_HISTORY, ServiceSnapshot, ServiceState, ServiceStatus};
