//! [`Text`]: the bytes of a string payload or a string map key.
//!
//! Most strings in messages are short (keys such as `sender` or `data`, PIDs, topics,
//! words), so up to [`Text::INLINE`] bytes are stored in the value itself: making one
//! copies the bytes and allocates nothing, and dropping it frees nothing, which also
//! spares the receiving worker a free of the sender's block. Longer strings are a
//! shared [`Bytes`], cloned by reference count.
//!
//! A `Text` is immutable and reads as a byte slice (`Deref<Target = [u8]>`); equality,
//! order and hashing are those of its bytes, whichever way they are stored.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use bytes::Bytes;

/// Bytes, not necessarily UTF-8; see the [module docs](self).
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    /// `len` bytes at the start of `bytes`.
    Inline {
        len: u8,
        bytes: [u8; Text::INLINE],
    },
    Shared(Bytes),
}

impl Text {
    /// The most bytes stored in place.
    pub const INLINE: usize = 22;

    /// A copy of `bytes`.
    pub fn copy_from_slice(bytes: &[u8]) -> Text {
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= Text::INLINE => {
                let mut inline = [0; Text::INLINE];
                inline[..bytes.len()].copy_from_slice(bytes);
                Text(Repr::Inline { len, bytes: inline })
            }
            _ => Text(Repr::Shared(Bytes::copy_from_slice(bytes))),
        }
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Shared(b) => b,
        }
    }

    /// The bytes as [`Bytes`] (shared when they are, copied when stored in place).
    pub fn to_bytes(&self) -> Bytes {
        match &self.0 {
            Repr::Inline { .. } => Bytes::copy_from_slice(self.as_slice()),
            Repr::Shared(b) => b.clone(),
        }
    }

    /// Whether the bytes are stored in the value (for tests and measurements).
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }
}

// A payload is 40 bytes; a `Text` must not make it larger.
const _: () = assert!(std::mem::size_of::<Text>() <= 32);

impl Default for Text {
    fn default() -> Text {
        Text::copy_from_slice(&[])
    }
}

impl Deref for Text {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl Borrow<[u8]> for Text {
    fn borrow(&self) -> &[u8] {
        self.as_slice()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Text {}

impl PartialEq<[u8]> for Text {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_slice() == other
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl fmt::Debug for Text {
    /// As `Bytes` prints: `b"text\xff"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", self.as_slice().escape_ascii())
    }
}

impl From<&[u8]> for Text {
    fn from(v: &[u8]) -> Text {
        Text::copy_from_slice(v)
    }
}

impl From<&str> for Text {
    fn from(v: &str) -> Text {
        Text::copy_from_slice(v.as_bytes())
    }
}

impl From<Vec<u8>> for Text {
    fn from(v: Vec<u8>) -> Text {
        if v.len() <= Text::INLINE {
            Text::copy_from_slice(&v)
        } else {
            Text(Repr::Shared(Bytes::from(v)))
        }
    }
}

impl From<String> for Text {
    fn from(v: String) -> Text {
        Text::from(v.into_bytes())
    }
}

impl From<Bytes> for Text {
    fn from(v: Bytes) -> Text {
        if v.len() <= Text::INLINE {
            Text::copy_from_slice(&v)
        } else {
            Text(Repr::Shared(v))
        }
    }
}

impl From<Text> for Bytes {
    fn from(v: Text) -> Bytes {
        match v.0 {
            Repr::Inline { .. } => Bytes::copy_from_slice(v.as_slice()),
            Repr::Shared(b) => b,
        }
    }
}
