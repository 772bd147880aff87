//! What a process is: a stepped state machine, and the values it exchanges with the
//! scheduler (steps, exits, signals).
//!
//! # Why a stepped state machine and not a Rust future
//!
//! The main client of this crate runs a Lua coroutine per process: resuming it until it
//! blocks is exactly one call of [`Process::step`], and the coroutine itself keeps the
//! state between steps. A future would force that client to build a `Waker` for every
//! suspension and to route every wake-up through it, although the scheduler already
//! knows which process to wake: a message to a process, a fired timer or a signal all
//! wake that process through its state word. Steps also give the scheduler a natural
//! point to preempt (between two steps) and to kill (instead of the next step), and
//! they cost no allocation per suspension. Plain Rust code uses closures: any
//! `FnMut(&mut Context<'_, M>) -> Step<M> + Send + 'static` is a process.

use crate::context::Context;
use crate::pid::Pid;
use std::fmt;
use std::sync::Arc;

/// Why a process was cancelled or killed. Cheap to clone.
pub type Reason = Arc<str>;

/// A process body: the scheduler calls [`step`](Process::step) whenever the process
/// may make progress, on any worker thread, never on two threads at once.
pub trait Process<M>: Send + 'static {
    /// Runs until the process must wait, wants to yield, or ends.
    ///
    /// A step should return promptly: it holds a worker thread while it runs. When
    /// [`Context::should_yield`] turns `true` the step has used its time slice and should
    /// return [`Step::Yield`].
    fn step(&mut self, cx: &mut Context<'_, M>) -> Step<M>;
}

impl<M, F> Process<M> for F
where
    F: FnMut(&mut Context<'_, M>) -> Step<M> + Send + 'static,
{
    fn step(&mut self, cx: &mut Context<'_, M>) -> Step<M> {
        self(cx)
    }
}

/// What a step asks the scheduler to do next.
#[derive(Debug)]
#[must_use = "a step's result decides whether the process runs again"]
pub enum Step<M> {
    /// Sleep until something wakes the process: a message or signal, a timer it armed,
    /// or a [`Notifier`](crate::Notifier).
    ///
    /// Wake-ups are coalesced into runs: those that arrived before this step started
    /// are answered by this very step, and those that arrived while it ran make the
    /// process runnable again as soon as the step returns (it queues behind the work
    /// its worker already holds, as a yielding process does; wake-ups meanwhile join
    /// that one run). So a step may return `Wait` only after it has seen every source
    /// it waits on empty (or not ready) during this step.
    Wait,
    /// Run again later, after the other runnable processes had a turn.
    Yield,
    /// End normally, with an optional result value.
    Done(Option<M>),
    /// End with an error value.
    Fail(M),
}

/// How a process ended, as seen by its monitors and its [`JoinHandle`](crate::JoinHandle).
#[derive(Debug)]
#[non_exhaustive]
pub enum Exit<M> {
    /// The body returned [`Step::Done`].
    Normal(Option<M>),
    /// The body returned [`Step::Fail`].
    Error(M),
    /// The process was killed ([`Handle::kill`](crate::Handle::kill), or shutdown after
    /// its grace period) and its body dropped without running again.
    Killed(Reason),
    /// The body panicked; the text is the panic message.
    Panicked(String),
}

impl<M> Exit<M> {
    /// `true` for every exit but [`Exit::Normal`].
    pub fn is_error(&self) -> bool {
        !matches!(self, Exit::Normal(_))
    }
}

/// A monitor, as returned by [`Context::monitor`]: it names the `Down` it will produce.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct MonitorRef(pub(crate) u64);

/// The notice that a monitored process has exited.
#[derive(Debug)]
pub struct Down<M> {
    /// The process that exited.
    pub pid: Pid,
    /// The monitor that produced this notice.
    pub monitor: MonitorRef,
    /// How it ended (shared by all its monitors).
    pub exit: Arc<Exit<M>>,
}

/// A priority event for a process, read with [`Context::recv_signal`] before ordinary
/// messages.
#[derive(Debug)]
#[non_exhaustive]
pub enum Signal<M> {
    /// A monitored process exited.
    Down(Down<M>),
    /// Someone asks the process to stop ([`Handle::cancel`](crate::Handle::cancel) or
    /// shutdown). Cooperative: the process decides how to end.
    Cancel(Reason),
    /// A signal defined by the user of this crate ([`Handle::send_signal`](crate::Handle::send_signal)).
    User(M),
}

/// Options for [`Handle::spawn_with`](crate::Handle::spawn_with).
#[derive(Default)]
pub struct SpawnOptions {
    pub(crate) preempt_hook: Option<PreemptHook>,
}

/// A callback that asks a running process to yield; see [`SpawnOptions::preempt_hook`].
pub type PreemptHook = Arc<dyn Fn() + Send + Sync>;

impl SpawnOptions {
    /// Options with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A callback the scheduler calls, from its timer thread and while the process is
    /// running, when the process's current step has outlived its time slice. It should
    /// make the step return soon, e.g. by arming an instruction-count hook in an
    /// interpreter. It may run concurrently with the step and must be short.
    pub fn preempt_hook(mut self, hook: PreemptHook) -> Self {
        self.preempt_hook = Some(hook);
        self
    }
}

impl fmt::Debug for SpawnOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpawnOptions")
            .field("preempt_hook", &self.preempt_hook.is_some())
            .finish()
    }
}
