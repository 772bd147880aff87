//! Routing inside a process (`router::Router`, reference §1.2 "Routing rules"): an
//! exact-topic subscription first, then the inbox, otherwise the message waits in order;
//! order per target is kept while a target is full, and other targets pass.

use std::collections::HashMap;
use wippy_runtime::message::Message;
use wippy_runtime::payload::Payload;
use wippy_runtime::router::{Offer, Route, Router, Sink};

/// Channel ids, as a process would number its channels.
const A: u8 = 1;
const B: u8 = 2;
const INBOX: u8 = 9;

/// One channel: how many more messages it takes now, and how many offers it refuses
/// before that (a rendezvous channel whose receiver is not waiting yet).
#[derive(Debug)]
struct Channel {
    room: usize,
    refusals: usize,
    got: Vec<(Route<u8>, String)>,
}

/// Channels that take messages while they have room; unknown channels have unlimited room.
#[derive(Debug, Default)]
struct Channels {
    channels: HashMap<u8, Channel>,
    /// What each offer said of the message's place in arrival order.
    offers: Vec<Offer>,
}

impl Channels {
    fn channel(&mut self, target: u8) -> &mut Channel {
        self.channels.entry(target).or_insert(Channel {
            room: usize::MAX,
            refusals: 0,
            got: Vec::new(),
        })
    }

    fn with_room(mut self, target: u8, room: usize) -> Channels {
        self.channel(target).room = room;
        self
    }

    /// The messages `target` took, as `topic:text`.
    fn got(&self, target: u8) -> Vec<String> {
        self.channels
            .get(&target)
            .map(|c| c.got.iter().map(|(_, m)| m.clone()).collect())
            .unwrap_or_default()
    }

    /// The routes `target` was offered through.
    fn routes(&self, target: u8) -> Vec<Route<u8>> {
        self.channels
            .get(&target)
            .map(|c| c.got.iter().map(|(r, _)| *r).collect())
            .unwrap_or_default()
    }
}

impl Sink<u8> for Channels {
    fn offer(&mut self, route: Route<u8>, message: Message, offer: Offer) -> Result<(), Message> {
        self.offers.push(offer);
        let channel = self.channel(route.target());
        if channel.refusals > 0 {
            channel.refusals -= 1;
            return Err(message);
        }
        if channel.room == 0 {
            return Err(message);
        }
        channel.room -= 1;
        channel.got.push((route, label(&message)));
        Ok(())
    }
}

fn message(topic: &str, text: &str) -> Message {
    Message::new(None, topic, Payload::from(text))
}

fn label(message: &Message) -> String {
    let text = message
        .payloads
        .first()
        .and_then(Payload::as_str)
        .unwrap_or("");
    format!("{}:{text}", message.topic)
}

fn send(router: &mut Router<u8>, sink: &mut Channels, topic: &str, text: &str) {
    router.route(message(topic, text), sink);
}

#[test]
fn an_exact_topic_subscription_wins_over_the_inbox() {
    let mut router = Router::new();
    let mut sink = Channels::default();
    router.set_inbox(INBOX);
    router.subscribe("orders".into(), A);
    assert_eq!(router.route_of("orders"), Some(Route::Topic(A)));
    assert_eq!(router.route_of("other"), Some(Route::Inbox(INBOX)));
    send(&mut router, &mut sink, "orders", "1");
    send(&mut router, &mut sink, "other", "2");
    assert_eq!(sink.got(A), ["orders:1"]);
    assert_eq!(sink.routes(A), [Route::Topic(A)]);
    assert_eq!(sink.got(INBOX), ["other:2"]);
    assert_eq!(sink.routes(INBOX), [Route::Inbox(INBOX)]);
    assert_eq!(router.waiting(), 0);
    assert_eq!(Route::Topic(A).target(), A);
    assert_eq!(Route::Inbox(INBOX).target(), INBOX);
}

/// Matching is exact: no prefixes, no globs, case-sensitive.
#[test]
fn the_inbox_catches_every_topic_without_an_exact_subscription() {
    let mut router = Router::new();
    let mut sink = Channels::default();
    router.subscribe("orders".into(), A);
    router.set_inbox(INBOX);
    for topic in ["orders.new", "order", "Orders", "*", ""] {
        send(&mut router, &mut sink, topic, "x");
    }
    assert!(sink.got(A).is_empty());
    assert_eq!(
        sink.got(INBOX),
        ["orders.new:x", "order:x", "Orders:x", "*:x", ":x"]
    );
}

#[test]
fn with_nothing_subscribed_messages_wait_in_order_until_flushed() {
    let mut router = Router::new();
    let mut sink = Channels::default();
    for (topic, text) in [("a", "1"), ("b", "2"), ("a", "3"), ("c", "4")] {
        send(&mut router, &mut sink, topic, text);
    }
    assert_eq!(router.waiting(), 4);
    assert!(sink.channels.is_empty(), "nothing was offered");
    // A subscription alone delivers nothing until the waiting messages are flushed.
    router.subscribe("a".into(), A);
    assert_eq!(router.waiting(), 4);
    assert_eq!(router.flush(&mut sink), 2);
    assert_eq!(sink.got(A), ["a:1", "a:3"]);
    assert_eq!(router.waiting(), 2);
    router.set_inbox(INBOX);
    assert_eq!(router.flush(&mut sink), 2);
    assert_eq!(sink.got(INBOX), ["b:2", "c:4"]);
    assert_eq!(router.waiting(), 0);
    assert_eq!(router.flush(&mut sink), 0);
}

/// A message that arrives after a subscription appeared, but before the flush, still
/// goes after the older ones for the same target.
#[test]
fn a_new_message_does_not_overtake_older_waiting_ones() {
    let mut router = Router::new();
    let mut sink = Channels::default();
    send(&mut router, &mut sink, "a", "old");
    router.subscribe("a".into(), A);
    send(&mut router, &mut sink, "a", "new");
    assert!(sink.got(A).is_empty());
    assert_eq!(router.waiting(), 2);
    assert_eq!(router.flush(&mut sink), 2);
    assert_eq!(sink.got(A), ["a:old", "a:new"]);
}

#[test]
fn a_full_target_keeps_its_order_and_other_targets_pass() {
    let mut router = Router::new();
    let mut sink = Channels::default().with_room(A, 1);
    router.subscribe("a".into(), A);
    router.set_inbox(INBOX);
    send(&mut router, &mut sink, "a", "1");
    send(&mut router, &mut sink, "a", "2"); // A is full: waits
    send(&mut router, &mut sink, "b", "3"); // the inbox has room: passes
    sink.channel(A).room = 10;
    send(&mut router, &mut sink, "a", "4"); // A has room, but "a:2" waits before it
    assert_eq!(sink.got(A), ["a:1"]);
    assert_eq!(sink.got(INBOX), ["b:3"]);
    assert_eq!(router.waiting(), 2);
    assert_eq!(router.flush(&mut sink), 2);
    assert_eq!(sink.got(A), ["a:1", "a:2", "a:4"]);
    assert_eq!(router.waiting(), 0);
}

/// During a flush, once a target refuses a message, later messages for that target are
/// not offered (even if the target would take them), while other targets still are.
#[test]
fn flush_stops_at_the_first_refusal_per_target() {
    let mut router = Router::new();
    let mut sink = Channels::default();
    for (topic, text) in [("a", "1"), ("b", "2"), ("a", "3"), ("b", "4")] {
        send(&mut router, &mut sink, topic, text);
    }
    router.subscribe("a".into(), A);
    router.subscribe("b".into(), B);
    sink.channel(A).refusals = 1;
    assert_eq!(router.flush(&mut sink), 2);
    assert!(sink.got(A).is_empty(), "a:3 must not overtake a:1");
    assert_eq!(sink.got(B), ["b:2", "b:4"]);
    assert_eq!(router.waiting(), 2);
    assert_eq!(router.flush(&mut sink), 2);
    assert_eq!(sink.got(A), ["a:1", "a:3"]);
}

#[test]
fn take_for_pulls_the_first_waiting_message_of_a_target() {
    let mut router = Router::new();
    let mut sink = Channels::default().with_room(A, 0);
    router.subscribe("a".into(), A);
    send(&mut router, &mut sink, "x", "1"); // no route yet
    send(&mut router, &mut sink, "a", "2"); // A is full
    send(&mut router, &mut sink, "y", "3"); // no route yet
    send(&mut router, &mut sink, "a", "4");
    assert_eq!(router.waiting(), 4);
    let take = |router: &mut Router<u8>, target| {
        router
            .take_for(target)
            .map(|(route, message)| (route, label(&message)))
    };
    assert_eq!(take(&mut router, A), Some((Route::Topic(A), "a:2".into())));
    assert_eq!(take(&mut router, A), Some((Route::Topic(A), "a:4".into())));
    assert_eq!(take(&mut router, A), None);
    assert_eq!(take(&mut router, INBOX), None, "no inbox yet");
    router.set_inbox(INBOX);
    assert_eq!(
        take(&mut router, INBOX),
        Some((Route::Inbox(INBOX), "x:1".into()))
    );
    assert_eq!(router.waiting(), 1);
    assert_eq!(
        take(&mut router, INBOX),
        Some((Route::Inbox(INBOX), "y:3".into()))
    );
    assert_eq!(router.waiting(), 0);
}

#[test]
fn unsubscribe_removes_every_topic_of_a_target_and_the_inbox() {
    let mut router = Router::new();
    router.subscribe("a".into(), A);
    router.subscribe("b".into(), A);
    router.subscribe("c".into(), B);
    router.set_inbox(INBOX);
    assert_eq!(router.topic_of(B).map(|t| &**t), Some("c"));
    assert!(router.unsubscribe(A));
    assert_eq!(router.route_of("a"), Some(Route::Inbox(INBOX)));
    assert_eq!(router.route_of("b"), Some(Route::Inbox(INBOX)));
    assert_eq!(router.route_of("c"), Some(Route::Topic(B)));
    assert_eq!(router.topic_of(A), None);
    assert!(!router.unsubscribe(A), "nothing left to remove");
    assert!(router.unsubscribe(INBOX));
    assert_eq!(router.route_of("a"), None);
    assert!(!router.unsubscribe(INBOX));
    assert!(!router.unsubscribe(7));
}

#[test]
fn subscribing_a_topic_again_moves_it_to_the_new_target() {
    let mut router = Router::new();
    let mut sink = Channels::default().with_room(A, 0);
    router.subscribe("a".into(), A);
    send(&mut router, &mut sink, "a", "1"); // A is full: waits for A
    router.subscribe("a".into(), B);
    assert_eq!(router.route_of("a"), Some(Route::Topic(B)));
    assert_eq!(router.topic_of(A), None);
    assert_eq!(router.flush(&mut sink), 1);
    assert_eq!(sink.got(B), ["a:1"]);
}

/// After an unsubscribe, waiting messages take whatever route exists at the flush.
#[test]
fn waiting_messages_follow_the_routes_at_flush_time() {
    let mut router = Router::new();
    let mut sink = Channels::default().with_room(A, 0);
    router.subscribe("a".into(), A);
    router.set_inbox(INBOX);
    send(&mut router, &mut sink, "a", "1");
    send(&mut router, &mut sink, "a", "2");
    assert_eq!(router.waiting(), 2);
    router.unsubscribe(A);
    assert_eq!(router.flush(&mut sink), 2);
    assert_eq!(sink.got(INBOX), ["a:1", "a:2"]);
    assert_eq!(sink.routes(INBOX), [Route::Inbox(INBOX); 2]);
}

/// A reserved topic's messages go to its subscription alone: never to the inbox, and
/// they are dropped with the subscription (an `events` subscription closed while events
/// waited, or arriving after); the others stay, in order.
#[test]
fn a_reserved_topic_never_falls_back_to_the_inbox() {
    let mut router = Router::new();
    let mut sink = Channels::default().with_room(A, 0).with_room(B, 0);
    router.set_inbox(INBOX);
    router.subscribe("@events/1".into(), A);
    router.subscribe("b".into(), B);
    for i in 0..3 {
        send(&mut router, &mut sink, "@events/1", &i.to_string());
        send(&mut router, &mut sink, "b", &i.to_string());
    }
    assert_eq!(router.waiting(), 6);
    router.unsubscribe(A);
    assert_eq!(
        router.waiting(),
        3,
        "the closed subscription's messages are gone"
    );
    send(&mut router, &mut sink, "@events/1", "late");
    assert_eq!(router.waiting(), 3, "one arriving after is dropped too");
    assert!(sink.got(INBOX).is_empty(), "nothing reached the inbox");
    sink.channel(B).room = usize::MAX;
    assert_eq!(router.flush(&mut sink), 3);
    assert_eq!(sink.got(B), ["b:0", "b:1", "b:2"]);
    assert_eq!(router.waiting(), 0);
}

/// A large backlog for one target (a channel nobody reads) holds back only that
/// target: a message for another is delivered at once, and the backlog's order holds
/// when its target makes room; a subscription made later takes the waiting messages of
/// its topic from the inbox's queue in arrival order.
#[test]
fn a_backlog_for_one_target_does_not_hold_the_others() {
    let mut router = Router::new();
    let mut sink = Channels::default().with_room(A, 0);
    router.subscribe("slow".into(), A);
    router.set_inbox(INBOX);
    sink.channel(INBOX).room = 0;
    for i in 0..10_000 {
        send(&mut router, &mut sink, "slow", &i.to_string());
    }
    send(&mut router, &mut sink, "later", "x");
    send(&mut router, &mut sink, "later", "y");
    assert!(router.has_waiting_for(A));
    assert!(router.has_waiting_for(INBOX));
    router.subscribe("later".into(), B);
    assert!(
        !router.has_waiting_for(INBOX),
        "the inbox's messages moved to B"
    );
    assert_eq!(router.flush(&mut sink), 2);
    assert_eq!(sink.got(B), ["later:x", "later:y"]);
    sink.channel(A).room = 3;
    assert_eq!(router.flush(&mut sink), 3);
    assert_eq!(sink.got(A), ["slow:0", "slow:1", "slow:2"]);
    assert_eq!(router.waiting(), 9_997);
    let rest = router.take_waiting();
    assert_eq!(rest.len(), 9_997);
    assert_eq!(label(&rest[0]), "slow:3");
    assert_eq!(router.waiting(), 0);
}

/// Arrival numbers keep counting when the backlog empties and fills again, and numbers
/// the owner takes for other things fall between the messages' in arrival order.
#[test]
fn arrival_numbers_order_waiting_messages_and_what_waits_beside_them() {
    let mut router = Router::new();
    let mut sink = Channels::default();
    router.set_inbox(INBOX);
    router.subscribe("a".into(), A);
    sink.channel(INBOX).room = 0;
    sink.channel(A).room = 0;
    assert_eq!(router.first_arrival_for(INBOX), None);
    send(&mut router, &mut sink, "x", "1");
    let event = router.next_arrival();
    send(&mut router, &mut sink, "a", "2");
    let first_inbox = router.first_arrival_for(INBOX).expect("a message waits");
    let first_a = router.first_arrival_for(A).expect("a message waits");
    assert!(first_inbox < event && event < first_a);
    // Empty the backlog, then fill it again: numbers go on from where they were.
    sink.channel(INBOX).room = 1;
    sink.channel(A).room = 1;
    router.flush(&mut sink);
    assert_eq!(router.waiting(), 0);
    assert_eq!(router.first_arrival_for(A), None);
    sink.channel(A).room = 0;
    send(&mut router, &mut sink, "a", "3");
    assert!(router.first_arrival_for(A).expect("waits") > first_a);
}

#[test]
fn an_offer_says_whether_an_older_message_still_waits() {
    let mut router = Router::new();
    let mut sink = Channels::default().with_room(INBOX, 0).with_room(A, 0);
    router.set_inbox(INBOX);
    router.subscribe("a".into(), A);
    // Nothing waits: the first message is the oldest.
    send(&mut router, &mut sink, "b", "1");
    assert_eq!(
        sink.offers.last(),
        Some(&Offer {
            arrival: None,
            older_waiting: false
        })
    );
    // "b:1" waits for the inbox (number 0), so a message for A has an older one waiting.
    send(&mut router, &mut sink, "a", "2");
    assert_eq!(
        sink.offers.last(),
        Some(&Offer {
            arrival: None,
            older_waiting: true
        })
    );
    // Offered again by a flush: "b:1" (number 0) has nothing older before it, and "a:2"
    // (number 1) has "b:1", which waited as the flush began (the flush goes by that,
    // whichever queue it offers first).
    sink.channel(A).room = 1;
    sink.channel(INBOX).room = 1;
    sink.offers.clear();
    assert_eq!(router.flush(&mut sink), 2);
    let mut offers = sink.offers.clone();
    offers.sort_by_key(|o| o.arrival);
    assert_eq!(
        offers,
        vec![
            Offer {
                arrival: Some(0),
                older_waiting: false
            },
            Offer {
                arrival: Some(1),
                older_waiting: true
            },
        ]
    );
    assert_eq!(sink.got(INBOX), vec!["b:1"]);
    assert_eq!(sink.got(A), vec!["a:2"]);
}
