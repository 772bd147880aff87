//! The mailbox: an unbounded, lock-free, multi-producer single-consumer FIFO queue.
//!
//! This is Dmitry Vyukov's non-intrusive MPSC queue. A push is one `swap` on
//! [`Mailbox::newest`] plus one store into the previous node, so senders never take a
//! lock and never retry. Messages from one sender come out in the order that sender
//! pushed them (its swaps are ordered); senders interleave.
//!
//! Ownership:
//! - Any thread may [`push`](Mailbox::push).
//! - Only the process's consumer may [`pop`](Mailbox::pop): the worker that holds the
//!   process in the `RUNNING` state (see `state.rs`). `pop` is `unsafe` to make callers
//!   say so.
//!
//! The queue always holds one *stub* node whose value has already been taken (or never
//! existed); [`Mailbox::oldest`] points at it and the next node holds the next
//! message. Between a producer's `swap` and its link store, the queue is briefly
//! *inconsistent*: the consumer sees no next node although `newest` moved on. The
//! consumer then reports [`Pop::Inconsistent`] and treats the mailbox as empty. That is
//! safe in this scheduler because every producer notifies the process *after* its push
//! is complete, so the process runs again and finds the message (see `state.rs`).
//!
//! Allocation: one heap node per message. The benchmarks (`benches/mailbox.rs`) showed
//! that glibc's thread cache serves these small fixed-size nodes about as fast as a
//! pool would, so no pool is kept.

use crate::loom::UnsafeCell;
use crate::loom::atomic::{AtomicPtr, Ordering};
use std::ptr;

struct Node<T> {
    /// Written once by the producer that pushed the node after this one (Release),
    /// read by the consumer (Acquire).
    next: AtomicPtr<Node<T>>,
    /// Written by the producer before the node is published, taken by the consumer.
    value: UnsafeCell<Option<T>>,
}

impl<T> Node<T> {
    fn boxed(value: Option<T>) -> *mut Node<T> {
        Box::into_raw(Box::new(Node {
            next: AtomicPtr::new(ptr::null_mut()),
            value: UnsafeCell::new(value),
        }))
    }
}

/// The outcome of [`Mailbox::pop`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Pop<T> {
    /// The oldest message.
    Message(T),
    /// Nothing is queued.
    Empty,
    /// A push is half done; its producer will notify the consumer when it completes.
    Inconsistent,
}

/// An unbounded lock-free MPSC queue. See the module docs for who may call what.
pub(crate) struct Mailbox<T> {
    /// The most recently pushed node. Swapped by producers (AcqRel).
    newest: AtomicPtr<Node<T>>,
    /// The stub node: the last node the consumer took a value from. Consumer only.
    oldest: UnsafeCell<*mut Node<T>>,
}

// SAFETY: values of type `T` move from producer threads to the consumer thread, so the
// queue may be shared and sent when `T: Send`. The raw node pointers are owned by the
// queue and only dereferenced under the protocol described in the module docs.
unsafe impl<T: Send> Send for Mailbox<T> {}
// SAFETY: as above; `push` through `&self` from many threads is the point of the type,
// and `pop` is restricted to one consumer by its safety contract.
unsafe impl<T: Send> Sync for Mailbox<T> {}

impl<T> Mailbox<T> {
    /// An empty mailbox (allocates its stub node).
    pub(crate) fn new() -> Self {
        let stub = Node::boxed(None);
        Self {
            newest: AtomicPtr::new(stub),
            oldest: UnsafeCell::new(stub),
        }
    }

    /// Appends `value`. Lock-free and wait-free: one swap and one store.
    pub(crate) fn push(&self, value: T) {
        let node = Node::boxed(Some(value));
        // AcqRel: Release publishes the node's value to whoever follows `next` to it;
        // Acquire orders us after the previous producer's initialisation of `previous`.
        let previous = self.newest.swap(node, Ordering::AcqRel);
        // SAFETY: `previous` is still allocated: the consumer frees a node only after
        // moving past it, which requires this very `next` link to be non-null.
        unsafe { (*previous).next.store(node, Ordering::Release) };
    }

    /// Takes the oldest message.
    ///
    /// # Safety
    ///
    /// - Only one thread at a time may call `pop` (the process's consumer), and no
    ///   other `pop` may run concurrently with it.
    pub(crate) unsafe fn pop(&self) -> Pop<T> {
        self.oldest.with_mut(|oldest_slot| {
            // SAFETY: the caller is the single consumer, so nobody else touches `oldest`.
            let oldest = unsafe { *oldest_slot };
            // SAFETY: `oldest` is the live stub node owned by the queue.
            // Acquire pairs with the Release store of `next` in `push`.
            let next = unsafe { (*oldest).next.load(Ordering::Acquire) };
            if next.is_null() {
                // Acquire pairs with the producers' swap: if a push started, we see it.
                return if self.newest.load(Ordering::Acquire) == oldest {
                    Pop::Empty
                } else {
                    Pop::Inconsistent
                };
            }
            // SAFETY: `next` was published by a completed push; only the consumer
            // takes values, and each node's value is taken exactly once, here.
            let value = unsafe { (*next).value.with_mut(|v| (*v).take()) };
            // SAFETY: single consumer (caller contract).
            unsafe { *oldest_slot = next };
            // SAFETY: no producer can reach `oldest` any more: its `next` is set, so
            // `newest` moved past it, and the consumer has just moved past it too.
            drop(unsafe { Box::from_raw(oldest) });
            match value {
                Some(value) => Pop::Message(value),
                None => unreachable!("a linked mailbox node always carries a value"),
            }
        })
    }

    /// `true` if a message is queued or being pushed. A hint for `select`; any thread.
    pub(crate) fn has_pending(&self) -> bool {
        // SAFETY: reading the pointer value only; `oldest` changes only under the
        // consumer, and this method is only called by the consumer (see `select`).
        let oldest = self.oldest.with(|slot| unsafe { *slot });
        self.newest.load(Ordering::Acquire) != oldest
    }
}

impl<T> Drop for Mailbox<T> {
    fn drop(&mut self) {
        // `&mut self`: no producer or consumer is left.
        let mut node = self.oldest.with_mut(|slot| {
            // SAFETY: exclusive access through `&mut self`.
            unsafe { *slot }
        });
        while !node.is_null() {
            // SAFETY: every node reachable from `oldest` is owned by the queue and
            // freed exactly once, here.
            let boxed = unsafe { Box::from_raw(node) };
            node = boxed.next.load(Ordering::Relaxed);
        }
    }
}

impl<T> std::fmt::Debug for Mailbox<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox").finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod test;
