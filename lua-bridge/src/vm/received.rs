//! [`Received`]: what a process keeps of the senders and topics of the messages it
//! received, so that a message object holds small indices instead of strings and makes
//! its `:from()` and `:topic()` strings only when asked (most receivers ask for one or
//! neither).
//!
//! Part of the process's [`ProcState`](super::state::ProcState), made at its first
//! message; only the process's own calls touch it. Indices stay valid for the
//! process's life: hosts and topics are only ever added, up to [`MAX_HOSTS`] and
//! [`MAX_TOPICS`]; past those, a message keeps its strings itself. A message object never
//! outlives its process (it cannot be sent, and a reused VM's next process cannot reach
//! the previous one's objects).

use super::strings::StringCache;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::sync::Arc;
use wippy_runtime::message::Topic;
use wippy_runtime::pid::{Pid, PidHost};

/// The most distinct sender hosts kept (a host is a `process.host` entry or a node's).
pub(crate) const MAX_HOSTS: usize = 16;
/// The most distinct topics kept.
pub(crate) const MAX_TOPICS: usize = 32;

/// The received senders' hosts and topics, and the Lua strings made of them.
#[derive(Debug, Default)]
pub(crate) struct Received {
    /// The Lua strings of senders' PIDs and of topics, made when a message is asked.
    pub(crate) pids: StringCache<Pid, 4>,
    pub(crate) topics: StringCache<Topic, 4>,
    hosts: SmallVec<[Arc<PidHost>; 2]>,
    topic_list: Vec<Topic>,
    topic_index: FxHashMap<Topic, u16>,
    /// The last topic interned: a sender's messages share one topic string.
    last_topic: Option<(Topic, u16)>,
}

impl Received {
    /// The index of `pid`'s host, added if new; `None` once [`MAX_HOSTS`] are kept.
    pub(crate) fn host_index(&mut self, pid: &Pid) -> Option<u8> {
        let host = pid.host_part();
        if let Some(i) = self.hosts.iter().position(|h| Arc::ptr_eq(h, host)) {
            return u8::try_from(i).ok();
        }
        if self.hosts.len() >= MAX_HOSTS {
            return None;
        }
        self.hosts.push(Arc::clone(host));
        u8::try_from(self.hosts.len() - 1).ok()
    }

    /// The PID of counter `counter` on host `host` (an index [`host_index`](Self::host_index)
    /// gave).
    pub(crate) fn pid(&self, host: u8, counter: u64) -> Option<Pid> {
        self.hosts.get(usize::from(host)).map(|h| h.pid(counter))
    }

    /// The index of `topic`, added if new; `None` once [`MAX_TOPICS`] are kept.
    pub(crate) fn topic_index(&mut self, topic: &Topic) -> Option<u16> {
        if let Some((last, i)) = &self.last_topic {
            if Arc::ptr_eq(last, topic) {
                return Some(*i);
            }
        }
        let i = match self.topic_index.get(topic) {
            Some(&i) => i,
            None => {
                if self.topic_list.len() >= MAX_TOPICS {
                    return None;
                }
                let i = u16::try_from(self.topic_list.len()).ok()?;
                self.topic_list.push(Arc::clone(topic));
                self.topic_index.insert(Arc::clone(topic), i);
                i
            }
        };
        self.last_topic = Some((Arc::clone(topic), i));
        Some(i)
    }

    /// The topic of index `i` (one [`topic_index`](Self::topic_index) gave).
    pub(crate) fn topic(&self, i: u16) -> Option<&Topic> {
        self.topic_list.get(usize::from(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_topics_keep_their_indices_up_to_their_caps() {
        let mut received = Received::default();
        let host = PidHost::local("app:processes").unwrap();
        let other = PidHost::local("app:other").unwrap();
        let a = received.host_index(&host.pid(7)).unwrap();
        let b = received.host_index(&other.pid(8)).unwrap();
        assert_ne!(a, b);
        assert_eq!(received.host_index(&host.pid(9)), Some(a));
        assert_eq!(received.pid(a, 7).unwrap(), host.pid(7));
        assert!(received.pid(200, 7).is_none());

        let ping: Topic = Arc::from("ping");
        let i = received.topic_index(&ping).unwrap();
        // The same text from another sender (another allocation) is the same topic.
        assert_eq!(received.topic_index(&Arc::from("ping")), Some(i));
        assert_eq!(received.topic(i).map(|t| &**t), Some("ping"));
        for n in 1..MAX_TOPICS {
            assert!(received.topic_index(&Arc::from(format!("t{n}"))).is_some());
        }
        assert_eq!(received.topic_index(&Arc::from("one too many")), None);
        assert_eq!(received.topic_index(&ping), Some(i));
        for n in 2..MAX_HOSTS {
            let h = PidHost::local(&format!("app:h{n}")).unwrap();
            assert!(received.host_index(&h.pid(1)).is_some());
        }
        let late = PidHost::local("app:late").unwrap();
        assert_eq!(received.host_index(&late.pid(1)), None);
    }
}
