//! Routing of incoming messages inside a process (reference §1.2): an exact-topic
//! subscription first, then the inbox (the catch-all), and otherwise the message waits,
//! in order, until something subscribes.
//!
//! The router is the process's own (no locking). Targets are whatever the process uses
//! as channels; a [`Sink`] says whether a target takes a message now (a rendezvous
//! channel only does while someone waits on it). Order is kept per target: once a
//! message for a target waits, later ones for the same target wait behind it.

use crate::message::{Message, Topic};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::collections::VecDeque;

/// Where a message is delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route<T> {
    /// An exact-topic subscription.
    Topic(T),
    /// The inbox.
    Inbox(T),
}

impl<T: Copy> Route<T> {
    /// The target either way.
    pub fn target(self) -> T {
        match self {
            Route::Topic(t) | Route::Inbox(t) => t,
        }
    }
}

/// Takes (or refuses) a message for a target right now.
pub trait Sink<T> {
    /// Delivers `message` to `route`, or gives it back if the target cannot take it now.
    ///
    /// # Errors
    ///
    /// The message itself, when the target is full.
    fn offer(&mut self, route: Route<T>, message: Message) -> Result<(), Message>;
}

/// A process's subscriptions and the messages that wait for one.
#[derive(Debug)]
pub struct Router<T> {
    topics: FxHashMap<Topic, T>,
    inbox: Option<T>,
    waiting: VecDeque<Message>,
}

impl<T> Default for Router<T> {
    fn default() -> Self {
        Router {
            topics: FxHashMap::default(),
            inbox: None,
            waiting: VecDeque::new(),
        }
    }
}

impl<T: Copy + PartialEq> Router<T> {
    /// A router with no subscriptions.
    pub fn new() -> Router<T> {
        Router::default()
    }

    /// Where a message with `topic` would go now.
    pub fn route_of(&self, topic: &str) -> Option<Route<T>> {
        if let Some(target) = self.topics.get(topic) {
            return Some(Route::Topic(*target));
        }
        self.inbox.map(Route::Inbox)
    }

    /// Subscribes `target` to `topic` (replacing an earlier subscription of the topic).
    pub fn subscribe(&mut self, topic: Topic, target: T) {
        self.topics.insert(topic, target);
    }

    /// Removes every subscription of `target`; returns whether there was one.
    pub fn unsubscribe(&mut self, target: T) -> bool {
        let before = self.topics.len();
        self.topics.retain(|_, t| *t != target);
        let mut removed = before != self.topics.len();
        if self.inbox == Some(target) {
            self.inbox = None;
            removed = true;
        }
        removed
    }

    /// Makes `target` the inbox.
    pub fn set_inbox(&mut self, target: T) {
        self.inbox = Some(target);
    }

    /// The topic subscribed by `target`, if any.
    pub fn topic_of(&self, target: T) -> Option<&Topic> {
        self.topics
            .iter()
            .find(|(_, t)| **t == target)
            .map(|(k, _)| k)
    }

    /// Messages waiting for a subscription or for room.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// Routes a newly received message: delivered now if its target takes it and
    /// nothing for that target waits before it; otherwise it waits.
    pub fn route(&mut self, message: Message, sink: &mut impl Sink<T>) {
        let route = self.route_of(&message.topic);
        let blocked = match route {
            None => true,
            Some(route) => self
                .waiting
                .iter()
                .any(|m| self.route_of(&m.topic).map(Route::target) == Some(route.target())),
        };
        if blocked {
            self.waiting.push_back(message);
            return;
        }
        if let Some(route) = route {
            if let Err(message) = sink.offer(route, message) {
                self.waiting.push_back(message);
            }
        }
    }

    /// Offers the waiting messages again, in order (after a subscription appeared or a
    /// target made room). Returns how many were delivered.
    pub fn flush(&mut self, sink: &mut impl Sink<T>) -> usize {
        let mut delivered = 0;
        let mut blocked: SmallVec<[T; 4]> = SmallVec::new();
        let mut kept = VecDeque::with_capacity(self.waiting.len());
        while let Some(message) = self.waiting.pop_front() {
            match self.route_of(&message.topic) {
                Some(route) if !blocked.contains(&route.target()) => {
                    match sink.offer(route, message) {
                        Ok(()) => delivered += 1,
                        Err(message) => {
                            blocked.push(route.target());
                            kept.push_back(message);
                        }
                    }
                }
                _ => kept.push_back(message),
            }
        }
        self.waiting = kept;
        delivered
    }

    /// `true` when a waiting message would go to `target`.
    pub fn has_waiting_for(&self, target: T) -> bool {
        self.waiting
            .iter()
            .any(|m| self.route_of(&m.topic).map(Route::target) == Some(target))
    }

    /// Takes every waiting message out, in order (a process that replaces its code hands
    /// them to the new one).
    pub fn take_waiting(&mut self) -> VecDeque<Message> {
        std::mem::take(&mut self.waiting)
    }

    /// The first waiting message that would go to `target`, taken out of the queue (a
    /// receiver on a rendezvous target pulls this way).
    pub fn take_for(&mut self, target: T) -> Option<(Route<T>, Message)> {
        let index = self
            .waiting
            .iter()
            .position(|m| self.route_of(&m.topic).map(Route::target) == Some(target))?;
        let message = self.waiting.remove(index)?;
        let route = self.route_of(&message.topic)?;
        Some((route, message))
    }
}
