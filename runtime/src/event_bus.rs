//! The event bus: what the Lua `events` module publishes and subscribes to (R
//! `system/eventbus`, whose matching rules these are).
//!
//! An event is `(system, kind, path, data)`. A subscription names a process, a topic of
//! that process, a system pattern and an optional kind pattern; [`Runtime::publish_event`]
//! sends each matching subscriber a message on its topic holding
//! `{system, kind, path, data}` (data only when there is some). A pattern is `*` or
//! empty (anything), `prefix*` (anything starting so), or the exact text.
//!
//! The bus belongs to the runtime; a subscription is owned by its
//! [`EventSubscription`] guard (held by the subscribing process's state), and dropping
//! the guard, as a process's end does, takes it off the bus. Delivery is best effort, as
//! the original's: a subscriber that has ended is skipped.

use crate::message::{Payloads, Topic};
use crate::payload::{Map, Payload};
use crate::pid::Pid;
use crate::runtime::Runtime;
use parking_lot::RwLock;
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

/// The subscriptions of one runtime, by id.
#[derive(Debug, Default)]
pub(crate) struct EventBus {
    subscriptions: RwLock<FxHashMap<u64, Subscriber>>,
    next_id: AtomicU64,
}

#[derive(Debug)]
struct Subscriber {
    pid: Pid,
    topic: Topic,
    system: String,
    kind: Option<String>,
}

/// A subscription on the bus; dropping it unsubscribes.
#[derive(Debug)]
pub struct EventSubscription {
    bus: Weak<EventBus>,
    id: u64,
    topic: Topic,
}

impl EventSubscription {
    /// The topic its events arrive on at the subscriber (reserved: `@events/<id>`, so no
    /// process can send on it).
    pub fn topic(&self) -> &Topic {
        &self.topic
    }
}

impl Drop for EventSubscription {
    fn drop(&mut self) {
        if let Some(bus) = self.bus.upgrade() {
            bus.subscriptions.write().remove(&self.id);
        }
    }
}

/// `value` against an event bus pattern (see the module docs).
fn pattern_matches(pattern: &str, value: &str) -> bool {
    match pattern {
        "" | "*" => true,
        _ => match pattern.strip_suffix('*') {
            Some(prefix) => value.starts_with(prefix),
            None => pattern == value,
        },
    }
}

impl Subscriber {
    fn wants(&self, system: &str, kind: &str) -> bool {
        pattern_matches(&self.system, system)
            && self
                .kind
                .as_deref()
                .is_none_or(|k| pattern_matches(k, kind))
    }
}

impl Runtime {
    /// Subscribes process `pid` to the events whose system matches `system` (and kind
    /// matches `kind`, when given): each arrives as a message on the returned
    /// subscription's topic.
    pub fn subscribe_events(
        &self,
        pid: &Pid,
        system: &str,
        kind: Option<&str>,
    ) -> EventSubscription {
        let bus = &self.inner.event_bus;
        let id = bus.next_id.fetch_add(1, Ordering::Relaxed);
        let topic = Topic::from(format!("@events/{id}"));
        bus.subscriptions.write().insert(
            id,
            Subscriber {
                pid: pid.clone(),
                topic: topic.clone(),
                system: system.to_owned(),
                kind: kind.map(str::to_owned),
            },
        );
        EventSubscription {
            bus: Arc::downgrade(bus),
            id,
            topic,
        }
    }

    /// Sends the event to every matching subscriber; how many it reached.
    pub fn publish_event(&self, system: &str, kind: &str, path: &str, data: Payload) -> usize {
        let mut event = Map::new();
        event.insert("system", Payload::string(system));
        event.insert("kind", Payload::string(kind));
        event.insert("path", Payload::string(path));
        if !matches!(data, Payload::Nil) {
            event.insert("data", data);
        }
        let event = Payload::Map(Arc::new(event));
        // Taken out of the lock first: a send never runs under the bus's lock.
        let targets: Vec<(Pid, Topic)> = self
            .inner
            .event_bus
            .subscriptions
            .read()
            .values()
            .filter(|s| s.wants(system, kind))
            .map(|s| (s.pid.clone(), s.topic.clone()))
            .collect();
        targets
            .into_iter()
            .filter(|(pid, topic)| {
                let payloads: Payloads = std::iter::once(event.clone()).collect();
                self.send_internal(pid, topic.clone(), payloads).is_ok()
            })
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::pattern_matches;

    #[test]
    fn patterns_are_the_originals() {
        assert!(pattern_matches("*", "anything"));
        assert!(pattern_matches("", "anything"));
        assert!(pattern_matches("test.*", "test.match"));
        assert!(!pattern_matches("test.*", "other.nomatch"));
        assert!(pattern_matches("test.data", "test.data"));
        assert!(!pattern_matches("test.data", "test.data2"));
        assert!(pattern_matches("te*", "test"));
    }
}
