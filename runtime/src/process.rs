//! Runtime processes: the body trait, the context a body works through, the record the
//! runtime keeps per process, and the wrapper the scheduler runs.

pub(crate) mod body;
pub(crate) mod boot;
pub(crate) mod context;
pub(crate) mod directory;
pub(crate) mod handle;
pub(crate) mod pid_set;
pub(crate) mod record;
pub(crate) mod running;
pub(crate) mod spawn_context;
pub(crate) mod target;

pub use body::{BodyFactory, Flow, ProcessBody};
pub use boot::BootWatch;
pub use context::ProcessContext;
pub use handle::{ProcessHandle, Sent};
pub use record::ExitWaiter;
pub use spawn_context::SpawnContext;
pub use target::Target;
