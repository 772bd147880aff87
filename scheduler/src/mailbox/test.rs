use super::*;
use std::sync::Arc;

fn drain(mailbox: &Mailbox<u64>) -> Vec<u64> {
    let mut out = Vec::new();
    loop {
        // SAFETY: the test thread is the only consumer.
        match unsafe { mailbox.pop() } {
            Pop::Message(v) => out.push(v),
            Pop::Empty => return out,
            Pop::Inconsistent => std::thread::yield_now(),
        }
    }
}

#[test]
fn fifo_single_sender() {
    let mailbox = Mailbox::new();
    for i in 0..100 {
        mailbox.push(i);
    }
    assert!(mailbox.has_pending());
    assert_eq!(drain(&mailbox), (0..100).collect::<Vec<_>>());
    assert!(!mailbox.has_pending());
}

#[test]
fn per_sender_order_with_concurrent_senders() {
    let mailbox = Arc::new(Mailbox::new());
    let senders: Vec<_> = (0..4u64)
        .map(|s| {
            let mailbox = Arc::clone(&mailbox);
            std::thread::spawn(move || {
                for i in 0..10_000u64 {
                    mailbox.push(s << 32 | i);
                }
            })
        })
        .collect();
    for sender in senders {
        sender.join().unwrap();
    }
    let got = drain(&mailbox);
    assert_eq!(got.len(), 40_000);
    let mut next = [0u64; 4];
    for v in got {
        let (s, i) = ((v >> 32) as usize, v & 0xffff_ffff);
        assert_eq!(i, next[s], "sender {s} out of order");
        next[s] += 1;
    }
}

#[test]
fn drop_frees_queued_messages() {
    let token = Arc::new(());
    let mailbox = Mailbox::new();
    for _ in 0..10 {
        mailbox.push(Arc::clone(&token));
    }
    drop(mailbox);
    assert_eq!(Arc::strong_count(&token), 1);
}

#[test]
fn refills_after_draining_to_empty() {
    let mailbox = Mailbox::new();
    for round in 0..5u64 {
        assert!(!mailbox.has_pending());
        mailbox.push(round);
        assert!(mailbox.has_pending());
        assert_eq!(drain(&mailbox), vec![round]);
        mailbox.push(round * 10);
        mailbox.push(round * 10 + 1);
        assert_eq!(drain(&mailbox), vec![round * 10, round * 10 + 1]);
    }
}

#[test]
fn mailbox_moves_before_first_push() {
    let mailbox = Mailbox::new();
    let moved = Box::new(mailbox);
    moved.push(7u64);
    assert_eq!(drain(&moved), vec![7]);
}
