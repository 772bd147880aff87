//! What processes exchange: messages (topic plus payloads) and lifecycle events, and the
//! envelope that carries either through a host's scheduler.
//!
//! Messages travel in the scheduler's mailbox, in order per sender. Events travel as
//! scheduler signals, so a process sees them before any ordinary message that is waiting.

use crate::payload::{ErrorValue, Payload};
use crate::pid::Pid;
use smallvec::SmallVec;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// A message topic. Topics beginning with `@` are reserved for the runtime.
pub type Topic = Arc<str>;

/// The payloads of one message: `process.send(dest, topic, a, b)` carries two.
pub type Payloads = SmallVec<[Payload; 1]>;

/// An ordinary message: who sent it, its topic and its payloads (deep copies).
#[derive(Clone, Debug)]
pub struct Message {
    /// The sender, when the message came from a process.
    pub from: Option<Pid>,
    /// The topic the receiver routes on.
    pub topic: Topic,
    /// Zero or more payloads.
    pub payloads: Payloads,
}

impl Message {
    /// A message with one payload.
    pub fn new(from: Option<Pid>, topic: impl Into<Topic>, payload: Payload) -> Message {
        let mut payloads = Payloads::new();
        payloads.push(payload);
        Message {
            from,
            topic: topic.into(),
            payloads,
        }
    }
}

/// How a process ended, as its monitors and links see it.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// It returned; the value is its result (nil when it returned nothing).
    Normal(Payload),
    /// It failed: raised an error, returned one, was terminated, or went down with a link.
    Error(Arc<ErrorValue>),
}

impl Outcome {
    /// `true` for [`Outcome::Error`].
    pub fn is_error(&self) -> bool {
        matches!(self, Outcome::Error(_))
    }

    /// The error, when there is one.
    pub fn error(&self) -> Option<&Arc<ErrorValue>> {
        match self {
            Outcome::Error(error) => Some(error),
            Outcome::Normal(_) => None,
        }
    }
}

/// The kinds of lifecycle events, with the topics the Lua API names them by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A monitored process exited (`pid.exit`).
    Exit,
    /// A linked process failed (`pid.link.down`).
    LinkDown,
    /// Someone asks this process to stop (`pid.cancel`).
    Cancel,
}

impl EventKind {
    /// The event's name as `process.event.*` gives it.
    pub fn topic(self) -> &'static str {
        match self {
            EventKind::Exit => "pid.exit",
            EventKind::LinkDown => "pid.link.down",
            EventKind::Cancel => "pid.cancel",
        }
    }

    /// [`topic`](Self::topic) as a C string (for bindings that take those).
    pub fn topic_c(self) -> &'static std::ffi::CStr {
        match self {
            EventKind::Exit => c"pid.exit",
            EventKind::LinkDown => c"pid.link.down",
            EventKind::Cancel => c"pid.cancel",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.topic())
    }
}

/// A lifecycle event delivered to a process ahead of its ordinary messages.
#[derive(Clone, Debug)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The process it is about (the exited or failed process, or the canceller), when known.
    pub from: Option<Pid>,
    /// When the runtime produced it.
    pub at: SystemTime,
    /// For `Exit` and `LinkDown`: how the process ended.
    pub outcome: Option<Outcome>,
    /// For `Cancel`: the reason given.
    pub reason: Option<Arc<str>>,
}

impl Event {
    /// An `Exit` or `LinkDown` event about `from`.
    pub fn ended(kind: EventKind, from: Pid, outcome: Outcome) -> Event {
        Event {
            kind,
            from: Some(from),
            at: SystemTime::now(),
            outcome: Some(outcome),
            reason: None,
        }
    }

    /// A `Cancel` event.
    pub fn cancel(from: Option<Pid>, reason: Arc<str>) -> Event {
        Event {
            kind: EventKind::Cancel,
            from,
            at: SystemTime::now(),
            outcome: None,
            reason: Some(reason),
        }
    }
}

/// What a host's scheduler carries: messages in the mailbox, events as signals.
#[derive(Debug)]
pub enum Envelope {
    /// An ordinary message.
    Message(Message),
    /// A lifecycle event.
    Event(Event),
}

#[cfg(test)]
mod tests {
    use super::EventKind;

    #[test]
    fn event_topics_as_c_strings_match() {
        for kind in [EventKind::Exit, EventKind::LinkDown, EventKind::Cancel] {
            assert_eq!(kind.topic_c().to_str(), Ok(kind.topic()));
        }
    }
}
