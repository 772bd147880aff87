//! Routing of incoming messages inside a process (reference §1.2): an exact-topic
//! subscription first, then the inbox (the catch-all), and otherwise the message waits,
//! in order, until something subscribes.
//!
//! The router is the process's own (no locking). Targets are whatever the process uses
//! as channels; a [`Sink`] says whether a target takes a message now (a rendezvous
//! channel only does while someone waits on it). Order is kept per target: once a
//! message for a target waits, later ones for the same target wait behind it.
//!
//! Waiting messages are kept in one queue per target (and one for those with no route),
//! so that a backlog for one target (a channel nobody reads) costs nothing to messages
//! for the others: routing, offering again, and taking for a target are constant time
//! whatever waits. Each waiting message keeps its arrival number; a change of
//! subscriptions (rare) sorts every waiting message into its new queue in arrival order.
//! The owner may number other things that wait beside the messages from the same count
//! ([`Router::next_arrival`]), to take from several targets in arrival order.
//!
//! Reserved topics (`@...`) are the runtime's, sent on for a subscription of the
//! process's own (`events`): they never fall back to the inbox, and their messages go
//! with the subscription.

use crate::message::{Message, Topic};
use rustc_hash::FxHashMap;
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
    /// `offer` says where the message stands in arrival order, so that a sink that
    /// buffers can keep a later message out of a buffer while an older one still waits
    /// (a buffered value is taken as older than anything that waits).
    ///
    /// # Errors
    ///
    /// The message itself, when the target is full.
    fn offer(&mut self, route: Route<T>, message: Message, offer: Offer) -> Result<(), Message>;
}

/// Where an offered message stands in arrival order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offer {
    /// The message's arrival number, or `None` for a message just received, which is
    /// newer than every number given so far ([`Router::next_arrival`]).
    pub arrival: Option<u64>,
    /// `true` when an older message still waits in the router, for another target or
    /// for a subscription.
    pub older_waiting: bool,
}

/// A waiting message and its arrival number (the order across queues).
type Waiting = (u64, Message);

/// A process's subscriptions and the messages that wait for one.
#[derive(Debug)]
pub struct Router<T> {
    topics: FxHashMap<Topic, T>,
    inbox: Option<T>,
    /// The waiting messages, out of line: most processes never have any, and the router
    /// is part of every process's state.
    backlog: Option<Box<Backlog<T>>>,
    /// The next arrival number: one count for the router's life, so that numbers stay
    /// comparable when the backlog empties and fills again, and with what the owner
    /// numbers beside it ([`Router::next_arrival`]).
    next: u64,
}

/// Messages waiting for a target to take them, or for a route.
#[derive(Debug)]
struct Backlog<T> {
    /// Messages whose target cannot take them yet, per target, in arrival order.
    queued: FxHashMap<T, VecDeque<Waiting>>,
    /// Messages with no route (no subscription of their topic, no inbox).
    unrouted: VecDeque<Waiting>,
    /// Every waiting message, in `queued` and `unrouted`.
    count: usize,
}

impl<T> Default for Backlog<T> {
    fn default() -> Self {
        Backlog {
            queued: FxHashMap::default(),
            unrouted: VecDeque::new(),
            count: 0,
        }
    }
}

impl<T> Default for Router<T> {
    fn default() -> Self {
        Router {
            topics: FxHashMap::default(),
            inbox: None,
            backlog: None,
            next: 0,
        }
    }
}

impl<T: Copy + Eq + std::hash::Hash> Router<T> {
    /// A router with no subscriptions.
    pub fn new() -> Router<T> {
        Router::default()
    }

    /// Where a message with `topic` would go now. A reserved topic (`@...`, which only the
    /// runtime sends on, for a subscription of the process's own, such as an `events`
    /// subscription) goes to its subscription alone, never to the inbox.
    pub fn route_of(&self, topic: &str) -> Option<Route<T>> {
        if let Some(target) = self.topics.get(topic) {
            return Some(Route::Topic(*target));
        }
        if topic.starts_with('@') {
            return None;
        }
        self.inbox.map(Route::Inbox)
    }

    /// Subscribes `target` to `topic` (replacing an earlier subscription of the topic).
    pub fn subscribe(&mut self, topic: Topic, target: T) {
        self.topics.insert(topic, target);
        self.requeue();
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
        if removed {
            self.requeue();
        }
        removed
    }

    /// Makes `target` the inbox.
    pub fn set_inbox(&mut self, target: T) {
        self.inbox = Some(target);
        self.requeue();
    }

    /// The topic subscribed by `target`, if any.
    pub fn topic_of(&self, target: T) -> Option<&Topic> {
        self.topics
            .iter()
            .find(|(_, t)| **t == target)
            .map(|(k, _)| k)
    }

    /// Takes the next arrival number for something that waits beside the messages (a
    /// process's lifecycle events), so that its owner can tell which came first: it is
    /// above every waiting message's and below every later one's.
    pub fn next_arrival(&mut self) -> u64 {
        let n = self.next;
        self.next += 1;
        n
    }

    /// The arrival number of the first message waiting for `target`, if one waits.
    pub fn first_arrival_for(&self, target: T) -> Option<u64> {
        self.backlog
            .as_ref()
            .and_then(|b| b.queued.get(&target))
            .and_then(|q| q.front())
            .map(|(seq, _)| *seq)
    }

    /// Messages waiting for a subscription or for room.
    pub fn waiting(&self) -> usize {
        self.backlog.as_ref().map_or(0, |b| b.count)
    }

    /// Routes a newly received message: delivered now if its target takes it and
    /// nothing for that target waits before it; otherwise it waits.
    ///
    /// A message on a reserved topic nothing subscribes to is dropped: the subscription
    /// it was sent for has ended, and nothing can take it again.
    pub fn route(&mut self, message: Message, sink: &mut impl Sink<T>) {
        let Some(route) = self.route_of(&message.topic) else {
            if !message.topic.starts_with('@') {
                self.wait(None, message);
            }
            return;
        };
        if self.has_waiting_for(route.target()) {
            self.wait(Some(route.target()), message);
            return;
        }
        let offer = Offer {
            arrival: None,
            older_waiting: self.backlog.is_some(),
        };
        if let Err(message) = sink.offer(route, message, offer) {
            self.wait(Some(route.target()), message);
        }
    }

    /// Offers the waiting messages again, each target's in order (after a target made
    /// room). Returns how many were delivered.
    pub fn flush(&mut self, sink: &mut impl Sink<T>) -> usize {
        let Router {
            topics,
            inbox,
            backlog,
            ..
        } = self;
        let Some(b) = backlog.as_deref_mut() else {
            return 0;
        };
        // The oldest waiting message of every other queue as the flush starts (`None`
        // for the unrouted one). A queue's front only gets newer as the flush goes, so
        // telling a sink by these numbers that an older message waits elsewhere may be
        // too cautious, never wrong.
        let fronts: smallvec::SmallVec<[(Option<T>, u64); 8]> = b
            .queued
            .iter()
            .map(|(target, q)| (Some(*target), q))
            .chain(std::iter::once((None, &b.unrouted)))
            .filter_map(|(target, q)| q.front().map(|(seq, _)| (target, *seq)))
            .collect();
        let mut delivered = 0;
        for (target, queue) in &mut b.queued {
            let older_elsewhere = |seq: u64| {
                fronts
                    .iter()
                    .any(|(other, front)| *other != Some(*target) && *front < seq)
            };
            while let Some((seq, message)) = queue.pop_front() {
                // Queues are sorted by route at every change of subscriptions, so the
                // route is there; an inbox message's topic has no subscription.
                let route = match (topics.get(&message.topic), *inbox) {
                    (Some(target), _) => Route::Topic(*target),
                    (None, Some(target)) => Route::Inbox(target),
                    (None, None) => {
                        queue.push_front((seq, message));
                        break;
                    }
                };
                let offer = Offer {
                    arrival: Some(seq),
                    older_waiting: older_elsewhere(seq),
                };
                match sink.offer(route, message, offer) {
                    Ok(()) => delivered += 1,
                    Err(message) => {
                        queue.push_front((seq, message));
                        break;
                    }
                }
            }
        }
        b.queued.retain(|_, queue| !queue.is_empty());
        b.count -= delivered;
        self.drop_empty_backlog();
        delivered
    }

    /// `true` when a waiting message would go to `target`.
    pub fn has_waiting_for(&self, target: T) -> bool {
        self.backlog
            .as_ref()
            .and_then(|b| b.queued.get(&target))
            .is_some_and(|q| !q.is_empty())
    }

    /// Takes every waiting message out, in arrival order (a process that replaces its
    /// code hands them to the new one).
    pub fn take_waiting(&mut self) -> VecDeque<Message> {
        match self.backlog.take() {
            Some(mut b) => b.drain_sorted().into_iter().map(|(_, m)| m).collect(),
            None => VecDeque::new(),
        }
    }

    /// The first waiting message that would go to `target`, taken out of its queue (a
    /// receiver on a rendezvous target pulls this way).
    pub fn take_for(&mut self, target: T) -> Option<(Route<T>, Message)> {
        let b = self.backlog.as_deref_mut()?;
        let queue = b.queued.get_mut(&target)?;
        let (_, message) = queue.pop_front()?;
        if queue.is_empty() {
            b.queued.remove(&target);
        }
        b.count -= 1;
        self.drop_empty_backlog();
        let route = self.route_of(&message.topic)?;
        Some((route, message))
    }

    /// Puts `message` at the back of `target`'s queue (`None`: the unrouted one).
    fn wait(&mut self, target: Option<T>, message: Message) {
        let entry = (self.next_arrival(), message);
        let b = self.backlog.get_or_insert_with(Box::default);
        b.count += 1;
        match target {
            Some(target) => b.queued.entry(target).or_default().push_back(entry),
            None => b.unrouted.push_back(entry),
        }
    }

    fn drop_empty_backlog(&mut self) {
        if self.backlog.as_ref().is_some_and(|b| b.count == 0) {
            self.backlog = None;
        }
    }

    /// Sorts every waiting message into the queue of its route now (after a change of
    /// subscriptions), keeping arrival order within each.
    fn requeue(&mut self) {
        let Some(mut b) = self.backlog.take() else {
            return;
        };
        let all = b.drain_sorted();
        let mut fresh = Backlog::default();
        for (seq, message) in all {
            match self.route_of(&message.topic).map(Route::target) {
                Some(target) => fresh
                    .queued
                    .entry(target)
                    .or_default()
                    .push_back((seq, message)),
                // Its subscription ended (see `route`).
                None if message.topic.starts_with('@') => continue,
                None => fresh.unrouted.push_back((seq, message)),
            }
            fresh.count += 1;
        }
        *b = fresh;
        self.backlog = Some(b);
        self.drop_empty_backlog();
    }
}

impl<T> Backlog<T> {
    /// Every waiting message, out of its queue, in arrival order.
    fn drain_sorted(&mut self) -> Vec<Waiting> {
        let mut all: Vec<Waiting> = Vec::with_capacity(self.count);
        for (_, queue) in self.queued.drain() {
            all.extend(queue);
        }
        all.extend(self.unrouted.drain(..));
        all.sort_unstable_by_key(|(seq, _)| *seq);
        self.count = 0;
        all
    }
}
