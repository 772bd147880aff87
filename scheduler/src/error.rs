//! Typed errors. Errors that refuse a value hand it back.

use std::fmt;

/// A message could not be delivered because the process has exited or never existed.
/// The message is handed back.
#[derive(PartialEq, Eq)]
pub struct SendError<M>(pub M);

impl<M> SendError<M> {
    /// The message that was not delivered.
    pub fn into_inner(self) -> M {
        self.0
    }
}

impl<M> fmt::Debug for SendError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<M> fmt::Display for SendError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("process not found")
    }
}

impl<M> std::error::Error for SendError<M> {}

/// The process named in a call does not exist (it exited, or the id is stale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotFound;

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("process not found")
    }
}

impl std::error::Error for NotFound {}

/// Why a spawn was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpawnError {
    /// The scheduler is shutting down and accepts no new processes.
    ShuttingDown,
    /// All 2^32 process slots are in use.
    TableFull,
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpawnError::ShuttingDown => f.write_str("the scheduler is shutting down"),
            SpawnError::TableFull => f.write_str("the process table is full"),
        }
    }
}

impl std::error::Error for SpawnError {}

/// Why a scheduler could not be built.
#[derive(Debug)]
pub struct BuildError {
    kind: BuildErrorKind,
}

#[derive(Debug)]
enum BuildErrorKind {
    ZeroWorkers,
    TooManyWorkers(usize),
    ZeroTimeSlice,
    NulInName,
    Thread(std::io::Error),
}

impl BuildError {
    pub(crate) fn zero_workers() -> Self {
        Self {
            kind: BuildErrorKind::ZeroWorkers,
        }
    }

    pub(crate) fn too_many_workers(n: usize) -> Self {
        Self {
            kind: BuildErrorKind::TooManyWorkers(n),
        }
    }

    pub(crate) fn zero_time_slice() -> Self {
        Self {
            kind: BuildErrorKind::ZeroTimeSlice,
        }
    }

    pub(crate) fn nul_in_name() -> Self {
        Self {
            kind: BuildErrorKind::NulInName,
        }
    }

    pub(crate) fn thread(err: std::io::Error) -> Self {
        Self {
            kind: BuildErrorKind::Thread(err),
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BuildErrorKind::ZeroWorkers => f.write_str("a scheduler needs at least one worker"),
            BuildErrorKind::TooManyWorkers(n) => {
                write!(
                    f,
                    "{n} workers requested; at most {} are supported",
                    crate::MAX_WORKERS
                )
            }
            BuildErrorKind::ZeroTimeSlice => f.write_str("the time slice must be longer than zero"),
            BuildErrorKind::NulInName => {
                f.write_str("the scheduler's name holds a NUL byte, which thread names cannot")
            }
            BuildErrorKind::Thread(err) => write!(f, "could not start a scheduler thread: {err}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            BuildErrorKind::Thread(err) => Some(err),
            _ => None,
        }
    }
}
