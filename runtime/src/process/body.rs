//! What a runtime process runs: a [`ProcessBody`], stepped by its host's scheduler, and
//! the [`BodyFactory`] that makes bodies for the entries of one kind.

use super::context::ProcessContext;
use crate::message::Payloads;
use crate::payload::{ErrorValue, Payload};
use crate::registry::Entry;
use crate::runtime::Runtime;
use wippy_scheduler::SpawnOptions;

/// What one step of a body asks for next.
#[derive(Debug)]
#[must_use = "a step's result decides whether the process runs again"]
pub enum Flow {
    /// Sleep until a message, event or armed timer wakes the process. Return it only
    /// after seeing every source the body waits on empty during this step.
    Wait,
    /// Run again after the others had a turn (the time slice is used up).
    Yield,
    /// End normally with this result.
    Done(Payload),
    /// End with this error.
    Fail(ErrorValue),
}

/// A process body: plain Rust, or a Lua VM (the `wippy-lua` crate).
///
/// The scheduler calls [`step`](ProcessBody::step) on any worker, never on two at once.
pub trait ProcessBody: Send + 'static {
    /// Runs until the body must wait, yields, or ends.
    fn step(&mut self, cx: &mut ProcessContext<'_, '_>) -> Flow;

    /// Scheduler options for this body (e.g. a preemption hook). None by default.
    fn spawn_options(&mut self) -> SpawnOptions {
        SpawnOptions::new()
    }

    /// `true` when the body says itself when it has booted, with
    /// [`ProcessContext::booted`] (a Lua process: once its chunk ran and its method was
    /// found); `false` (the default): it counts as booted as soon as it is spawned.
    /// See [`BootWatch`](super::BootWatch).
    fn boots_itself(&self) -> bool {
        false
    }
}

impl<F> ProcessBody for F
where
    F: FnMut(&mut ProcessContext<'_, '_>) -> Flow + Send + 'static,
{
    fn step(&mut self, cx: &mut ProcessContext<'_, '_>) -> Flow {
        self(cx)
    }
}

/// Makes bodies for the registry entries of one kind (`process.lua`, or a test kind).
pub trait BodyFactory: Send + Sync + 'static {
    /// A body that runs `entry` with `args` (the spawn's extra arguments).
    ///
    /// # Errors
    ///
    /// An error value when the entry cannot run (e.g. its source does not compile); the
    /// spawn then fails with it.
    fn create(
        &self,
        runtime: &Runtime,
        entry: &Entry,
        args: Payloads,
    ) -> Result<Box<dyn ProcessBody>, ErrorValue>;
}

impl<F> BodyFactory for F
where
    F: Fn(&Runtime, &Entry, Payloads) -> Result<Box<dyn ProcessBody>, ErrorValue>
        + Send
        + Sync
        + 'static,
{
    fn create(
        &self,
        runtime: &Runtime,
        entry: &Entry,
        args: Payloads,
    ) -> Result<Box<dyn ProcessBody>, ErrorValue> {
        self(runtime, entry, args)
    }
}
