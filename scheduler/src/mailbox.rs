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
//! This is the intrusive variant: the queue's *stub* node is a field of the mailbox,
//! so an empty mailbox owns no heap memory, and every message is one heap node that
//! the consumer frees after taking its value. The queue links [`Link`]s: a message
//! node starts with one, and the stub is nothing but one, so a mailbox is three words
//! whatever the message type. (When the stub was a whole node, its value slot, always
//! empty, made the two mailboxes of a process, messages and signals, more than half its
//! scheduler cell.) When the consumer is about to take the last node, it pushes the
//! stub behind it, so that the queue never becomes empty under a producer's feet. A
//! null `newest`/`oldest` means "the stub": that keeps the mailbox movable until its
//! first push (it lives inside an `Arc`, so it no longer moves after that).
//!
//! Between a producer's `swap` and its link store, the queue is briefly
//! *inconsistent*: the consumer sees no next node although `newest` moved on. The
//! consumer then reports [`Pop::Inconsistent`] and treats the mailbox as empty. That is
//! safe in this scheduler because every producer notifies the process *after* its push
//! is complete, so the process runs again and finds the message (see `state.rs`).
//!
//! Allocation: one heap node per message, none per mailbox.

use crate::loom::UnsafeCell;
use crate::loom::atomic::{AtomicPtr, Ordering};
use std::marker::PhantomData;
use std::ptr;

/// One entry of the queue's list: the stub, or the head of a message [`Node`].
#[repr(C)]
struct Link {
    /// Written once by the producer that pushed the entry after this one (Release),
    /// read by the consumer (Acquire).
    next: AtomicPtr<Link>,
}

impl Link {
    fn new() -> Link {
        Link {
            next: AtomicPtr::new(ptr::null_mut()),
        }
    }
}

/// A message on the heap. `repr(C)` with the link first: a pointer to a node's link is
/// a pointer to the node (made from the node's own allocation, see [`Node::boxed`]).
#[repr(C)]
struct Node<T> {
    link: Link,
    /// Written by the producer before the node is published, taken by the consumer.
    value: UnsafeCell<Option<T>>,
}

impl<T> Node<T> {
    /// A new node for `value`, as a pointer to its link (with the whole node's
    /// provenance, so that the consumer can turn it back into the `Box`).
    fn boxed(value: T) -> *mut Link {
        Box::into_raw(Box::new(Node {
            link: Link::new(),
            value: UnsafeCell::new(Some(value)),
        }))
        .cast::<Link>()
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
    /// The most recently pushed entry (null: the stub). Swapped by producers (AcqRel).
    newest: AtomicPtr<Link>,
    /// The next entry to take, or the stub (null: the stub). Consumer only.
    oldest: UnsafeCell<*mut Link>,
    /// The stub: a link without a message.
    stub: Link,
    /// Every other entry is the link of a `Node<T>` the mailbox owns.
    nodes: PhantomData<Box<Node<T>>>,
}

// Three words whatever the message (see the module docs); loom's atomics are larger.
#[cfg(not(loom))]
const _: () =
    assert!(std::mem::size_of::<Mailbox<[u8; 256]>>() == 3 * std::mem::size_of::<usize>());

// SAFETY: values of type `T` move from producer threads to the consumer thread, so the
// queue may be shared and sent when `T: Send`. The raw node pointers are owned by the
// queue and only dereferenced under the protocol described in the module docs.
unsafe impl<T: Send> Send for Mailbox<T> {}
// SAFETY: as above; `push` through `&self` from many threads is the point of the type,
// and `pop` is restricted to one consumer by its safety contract.
unsafe impl<T: Send> Sync for Mailbox<T> {}

impl<T> Mailbox<T> {
    /// An empty mailbox. Allocates nothing.
    pub(crate) fn new() -> Self {
        Self {
            newest: AtomicPtr::new(ptr::null_mut()),
            oldest: UnsafeCell::new(ptr::null_mut()),
            stub: Link::new(),
            nodes: PhantomData,
        }
    }

    fn stub_ptr(&self) -> *mut Link {
        (&raw const self.stub).cast_mut()
    }

    /// Maps the null "stub" marker to the stub's address.
    fn resolve(&self, node: *mut Link) -> *mut Link {
        if node.is_null() {
            self.stub_ptr()
        } else {
            node
        }
    }

    /// Appends `value`. Lock-free and wait-free: one swap and one store.
    pub(crate) fn push(&self, value: T) {
        self.push_node(Node::boxed(value));
    }

    fn push_node(&self, node: *mut Link) {
        // AcqRel: Release publishes the node's value to whoever follows `next` to it;
        // Acquire orders us after the previous producer's initialisation of `previous`.
        let previous = self.resolve(self.newest.swap(node, Ordering::AcqRel));
        // SAFETY: `previous` is still allocated: the consumer frees a node only after
        // moving past it, which requires this very `next` link to be non-null; the
        // stub lives as long as the mailbox.
        unsafe { (*previous).next.store(node, Ordering::Release) };
    }

    /// Takes the oldest message.
    ///
    /// # Safety
    ///
    /// - Only one thread at a time may call `pop` (the process's consumer), and no
    ///   other `pop` may run concurrently with it.
    pub(crate) unsafe fn pop(&self) -> Pop<T> {
        let stub = self.stub_ptr();
        self.oldest.with_mut(|oldest_slot| {
            // SAFETY: the caller is the single consumer, so nobody else touches `oldest`.
            let mut tail = self.resolve(unsafe { *oldest_slot });
            // SAFETY: `tail` is the stub or a node not yet taken; both are alive.
            // Acquire pairs with the Release store of `next` in `push_node`.
            let mut next = unsafe { (*tail).next.load(Ordering::Acquire) };
            if tail == stub {
                if next.is_null() {
                    // Acquire pairs with the producers' swap: if a push started, we see it.
                    return if self.resolve(self.newest.load(Ordering::Acquire)) == stub {
                        Pop::Empty
                    } else {
                        Pop::Inconsistent
                    };
                }
                // Skip the stub.
                // SAFETY: single consumer (caller contract).
                unsafe { *oldest_slot = next };
                tail = next;
                // SAFETY: `next` was linked by a completed push, so it is alive.
                next = unsafe { (*tail).next.load(Ordering::Acquire) };
            }
            if next.is_null() {
                if self.resolve(self.newest.load(Ordering::Acquire)) != tail {
                    return Pop::Inconsistent;
                }
                // `tail` is the last node: put the stub behind it so the queue never
                // runs empty under a producer.
                self.stub.next.store(ptr::null_mut(), Ordering::Relaxed);
                self.push_node(stub);
                // SAFETY: as above.
                next = unsafe { (*tail).next.load(Ordering::Acquire) };
                if next.is_null() {
                    return Pop::Inconsistent;
                }
            }
            // SAFETY: single consumer (caller contract).
            unsafe { *oldest_slot = next };
            // SAFETY: `tail` is a message node's link (not the stub), made by
            // `Node::boxed` from the node's `Box` (so the cast back is to its type and
            // allocation), that no producer can reach any more (its `next` is set) and
            // the consumer just moved past.
            let node = unsafe { Box::from_raw(tail.cast::<Node<T>>()) };
            match node.value.with_mut(|v| {
                // SAFETY: we own the node.
                unsafe { (*v).take() }
            }) {
                Some(value) => Pop::Message(value),
                None => unreachable!("a message node always carries a value"),
            }
        })
    }

    /// `true` if a message is queued or being pushed. Consumer only (see `select`).
    pub(crate) fn has_pending(&self) -> bool {
        let stub = self.stub_ptr();
        // SAFETY: reading the pointer value only; `oldest` changes only under the
        // consumer, which is the caller.
        let oldest = self.oldest.with(|slot| unsafe { *slot });
        self.resolve(oldest) != stub || self.resolve(self.newest.load(Ordering::Acquire)) != stub
    }
}

impl<T> Drop for Mailbox<T> {
    fn drop(&mut self) {
        // `&mut self`: no producer or consumer is left.
        let stub = self.stub_ptr();
        let mut node = self.oldest.with_mut(|slot| {
            // SAFETY: exclusive access through `&mut self`.
            unsafe { *slot }
        });
        node = self.resolve(node);
        while !node.is_null() {
            // SAFETY: every node reachable from `oldest` is either the stub or owned by
            // the queue and freed exactly once, here.
            let next = unsafe { (*node).next.load(Ordering::Relaxed) };
            if node != stub {
                // SAFETY: as above; every entry but the stub is the link of a node
                // `Node::boxed` made.
                drop(unsafe { Box::from_raw(node.cast::<Node<T>>()) });
            }
            node = next;
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
