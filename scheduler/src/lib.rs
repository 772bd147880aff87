//! # wippy-scheduler
//!
//! An M:N work-stealing scheduler for millions of small isolated processes, the engine
//! under the Wippy runtime. It knows nothing of Lua: a process is any Rust value that
//! implements [`Process`], a stepped state machine (a closure will do), and it talks to
//! the world through its [`Context`]: a lock-free mailbox, a priority signal queue,
//! timers, monitors and [`select`](Context::select).
//!
//! - **Instances.** A [`Scheduler`] owns its worker threads (one per core by default)
//!   and a driver thread for timers and preemption. Several instances in one program
//!   share nothing.
//! - **Run queues.** Per-worker FIFO deques with a LIFO "next" slot, a global
//!   injector, stealing half of a random victim's queue; idle workers park and are
//!   woken one at a time (`idle/README.md`).
//! - **Processes.** A table of slots with generations: a stale [`Pid`] never reaches a
//!   newer process. A send to a finished process hands the message back.
//! - **Mailboxes.** Unbounded, lock-free MPSC, FIFO per sender.
//! - **Timers.** One-shot and periodic, cancellable, a heap per instance.
//! - **Preemption.** A step that outlives its time slice is asked to yield, through
//!   [`Context::should_yield`] and an optional callback ([`SpawnOptions::preempt_hook`]).
//!
//! # Example
//!
//! A ping-pong between two processes, a timeout, and a monitor:
//!
//! ```
//! use std::time::Duration;
//! use wippy_scheduler::{Context, Exit, RecvTimeout, Scheduler, Signal, Step};
//!
//! #[derive(Debug)]
//! enum Msg {
//!     Ping(wippy_scheduler::Pid),
//!     Pong,
//! }
//!
//! let scheduler = Scheduler::<Msg>::builder().workers(2).build().unwrap();
//! let handle = scheduler.handle();
//!
//! // Replies to three pings, then exits normally.
//! let mut served = 0;
//! let ponger = handle
//!     .spawn(move |cx: &mut Context<'_, Msg>| {
//!         while let Some(Msg::Ping(from)) = cx.recv() {
//!             cx.send(from, Msg::Pong).unwrap();
//!             served += 1;
//!             if served == 3 {
//!                 return Step::Done(None);
//!             }
//!         }
//!         Step::Wait
//!     })
//!     .unwrap();
//!
//! // Monitors the ponger, pings it three times, then waits for its exit notice.
//! let mut sent = 0;
//! let mut monitored = false;
//! let pinger = handle
//!     .spawn_joinable(move |cx: &mut Context<'_, Msg>| {
//!         if !monitored {
//!             cx.monitor(ponger).unwrap();
//!             monitored = true;
//!         }
//!         if let Some(Signal::Down(down)) = cx.recv_signal() {
//!             assert!(matches!(*down.exit, Exit::Normal(None)));
//!             return Step::Done(None);
//!         }
//!         if sent < 3 {
//!             cx.send(ponger, Msg::Ping(cx.pid())).unwrap();
//!             sent += 1;
//!         }
//!         match cx.recv_timeout(Duration::from_secs(5)) {
//!             RecvTimeout::Message(Msg::Pong) | RecvTimeout::Pending => Step::Wait,
//!             RecvTimeout::Message(other) => Step::Fail(other),
//!             RecvTimeout::TimedOut => Step::Fail(Msg::Pong),
//!         }
//!     })
//!     .unwrap();
//!
//! assert!(matches!(*pinger.join(), Exit::Normal(None)));
//! scheduler.shutdown(wippy_scheduler::Shutdown::new("done", Duration::from_secs(1)));
//! ```
//!
//! `scheduler/examples/` has runnable programs (`cargo run -p wippy-scheduler --example ping_pong`).

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(
    clippy::undocumented_unsafe_blocks,
    missing_docs,
    missing_debug_implementations,
    unreachable_pub
)]

#[cfg(all(loom, not(debug_assertions)))]
compile_error!(
    "the loom models need debug assertions: RUSTFLAGS=\"--cfg loom -C debug_assertions\""
);

mod cell;
mod context;
mod driver;
mod error;
mod idle;
mod loom;
mod mailbox;
mod mailbox_ref;
mod notifier;
mod park;
mod pid;
mod process;
mod scheduler;
mod shared;
mod state;
mod table;
mod timer;
mod worker;

#[cfg(all(test, loom))]
mod tests;

pub use context::{Context, RecvTimeout, Source};
pub use error::{BuildError, NotFound, SendError, SpawnError};
pub use mailbox_ref::MailboxRef;
pub use notifier::Notifier;
pub use pid::Pid;
pub use process::{
    Down, Exit, MonitorRef, PreemptHook, Process, Reason, Signal, SpawnOptions, Step,
};
pub use scheduler::{
    Builder, Handle, JoinHandle, MAX_WORKERS, Scheduler, Shutdown, ShutdownReport,
};
pub use shared::Metrics;
pub use timer::Timer;
