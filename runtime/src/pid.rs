//! Process identifiers.
//!
//! A PID is printed as `{host|0x00004}`, or `{node@host|0x00004}` when it belongs to a named
//! node (reference §4.3):
//!
//! ```text
//! "{" [node "@"] host "|" "0x" counter "}"
//! ```
//!
//! - `host` is the entry id of the host that runs the process (`app:processes`), or of the
//!   function for function calls (`app:get_cart`).
//! - `counter` is a node-wide counter in lowercase hex, at least 5 digits (`0x00001` …
//!   `0xfffff`, then `0x100000` and longer).
//! - The node part is left out for the local node. A node named `"local"` is the local node,
//!   so [`PidHost::new`] drops it.
//!
//! PIDs reach Lua as plain strings, and Lua code compares them as strings. So the parser only
//! accepts the *canonical* spelling: lowercase hex, exactly 5 digits or no leading zero, no
//! `local@`. Then two PIDs are equal exactly when their strings are, and
//! `pid.to_string().parse() == Ok(pid)` holds both ways.
//!
//! # Cost
//!
//! The node and host part of a PID is shared: [`PidHost`] lives behind one `Arc`, built once
//! per host, and [`PidHost::pid`] mints PIDs from it. Cloning a [`Pid`] is one reference-count
//! increment and the value is two words. An `Arc` was chosen over an index into an interning
//! table because an index needs a table that every reader can reach, which means a process
//! global (style anti-pattern 4) or a handle threaded through every `Display` and `FromStr`.

use smallvec::SmallVec;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::Arc;

/// Minimum number of hex digits in the counter part of a PID.
pub const MIN_COUNTER_DIGITS: usize = 5;

/// The node name that means "this node"; it is never printed.
pub const LOCAL_NODE: &str = "local";

/// The node and host part of a [`Pid`], shared by every PID minted on one host.
///
/// Build one per host (or per function entry) and mint PIDs with [`PidHost::pid`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PidHost {
    /// `None` for the local node.
    node: Option<Box<str>>,
    host: Box<str>,
}

impl PidHost {
    /// Makes a host part, checking both names.
    ///
    /// `node` of `None` or `Some("local")` means the local node.
    ///
    /// # Errors
    ///
    /// An empty name, or a name that contains one of `{`, `}`, `|`, `@` or white space
    /// (which would make the printed PID ambiguous).
    pub fn new(node: Option<&str>, host: &str) -> Result<Arc<PidHost>, ParsePidError> {
        let node = match node {
            None | Some(LOCAL_NODE) => None,
            Some(n) => {
                check_name(n, PidPart::Node)?;
                Some(n.into())
            }
        };
        check_name(host, PidPart::Host)?;
        Ok(Arc::new(PidHost {
            node,
            host: host.into(),
        }))
    }

    /// Makes a host part on the local node.
    ///
    /// # Errors
    ///
    /// As [`PidHost::new`].
    pub fn local(host: &str) -> Result<Arc<PidHost>, ParsePidError> {
        PidHost::new(None, host)
    }

    /// The node name, `None` for the local node.
    pub fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// The host entry id, e.g. `app:processes`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Mints the PID with counter value `counter` on this host.
    pub fn pid(self: &Arc<Self>, counter: u64) -> Pid {
        Pid {
            host: Arc::clone(self),
            counter,
        }
    }
}

impl fmt::Debug for PidHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(node) => write!(f, "PidHost({node}@{})", self.host),
            None => write!(f, "PidHost({})", self.host),
        }
    }
}

/// A process identifier: host part plus node-wide counter.
///
/// `Display` prints the canonical form, `FromStr` parses it (see the [module docs](self)).
/// Equality, hashing and ordering compare node, host and counter by value.
#[derive(Clone)]
pub struct Pid {
    host: Arc<PidHost>,
    counter: u64,
}

impl Pid {
    /// Makes a PID on the local node. Prefer [`PidHost::pid`] when minting many.
    ///
    /// # Errors
    ///
    /// As [`PidHost::new`].
    pub fn new(host: &str, counter: u64) -> Result<Pid, ParsePidError> {
        Ok(PidHost::local(host)?.pid(counter))
    }

    /// The node name, `None` for the local node.
    pub fn node(&self) -> Option<&str> {
        self.host.node()
    }

    /// The host entry id, e.g. `app:processes`.
    pub fn host(&self) -> &str {
        self.host.host()
    }

    /// The shared host part.
    pub fn host_part(&self) -> &Arc<PidHost> {
        &self.host
    }

    /// The node-wide counter value.
    pub fn counter(&self) -> u64 {
        self.counter
    }
}

impl PartialEq for Pid {
    fn eq(&self, other: &Self) -> bool {
        self.counter == other.counter
            && (Arc::ptr_eq(&self.host, &other.host) || self.host == other.host)
    }
}

impl Eq for Pid {}

impl Hash for Pid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.host.hash(state);
        self.counter.hash(state);
    }
}

impl PartialOrd for Pid {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pid {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.host
            .cmp(&other.host)
            .then(self.counter.cmp(&other.counter))
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        if let Some(node) = self.node() {
            write!(f, "{node}@")?;
        }
        // `#` adds the `0x`, and the width counts it: 2 + MIN_COUNTER_DIGITS.
        write!(
            f,
            "{}|{:#0width$x}}}",
            self.host(),
            self.counter,
            width = 2 + MIN_COUNTER_DIGITS
        )
    }
}

impl Pid {
    /// The canonical text of this PID, as `Display` writes it, built without the
    /// formatting machinery and on the stack for usual host names: for hot paths that
    /// hand PIDs to scripts (a message's sender, `process.pid()`).
    pub fn to_text(&self) -> PidText {
        let node = self.node().map(str::as_bytes);
        let host = self.host().as_bytes();
        let digits = (64 - self.counter.leading_zeros() as usize)
            .div_ceil(4)
            .max(MIN_COUNTER_DIGITS);
        let len = 1 + node.map_or(0, |n| n.len() + 1) + host.len() + 3 + digits + 1;
        let mut buf = [0_u8; PID_TEXT_INLINE];
        if len > buf.len() {
            // A host name too long to keep inline: rare, so the formatting machinery.
            return PidText(SmallVec::from_vec(self.to_string().into_bytes()));
        }
        let mut at = 0;
        let mut put = |bytes: &[u8]| {
            buf[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        };
        put(b"{");
        if let Some(node) = node {
            put(node);
            put(b"@");
        }
        put(host);
        put(b"|0x");
        for shift in (0..digits).rev() {
            let digit = ((self.counter >> (4 * shift)) & 0xf) as usize;
            put(&b"0123456789abcdef"[digit..=digit]);
        }
        put(b"}");
        PidText(SmallVec::from_buf_and_len(buf, len))
    }
}

/// The longest PID text kept inline (on the stack) by [`Pid::to_text`].
const PID_TEXT_INLINE: usize = 64;

/// The canonical text of a [`Pid`] (see [`Pid::to_text`]).
#[derive(Clone, Debug)]
pub struct PidText(SmallVec<[u8; PID_TEXT_INLINE]>);

impl PidText {
    /// The text's bytes (ASCII, and the host's and node's UTF-8), without the UTF-8
    /// check [`as_str`](Self::as_str) makes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Built only from `str` parts and ASCII in `Pid::to_text`, so always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pid({self})")
    }
}

impl FromStr for Pid {
    type Err = ParsePidError;

    fn from_str(s: &str) -> Result<Pid, ParsePidError> {
        let parts = PidParts::parse(s)?;
        Ok(PidHost::new(parts.node, parts.host)?.pid(parts.counter))
    }
}

/// The parts of a PID string, borrowed from it: parsing them allocates nothing, so the
/// send path can find a process by its counter and compare the host in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PidParts<'a> {
    /// The node, when the PID names one.
    pub node: Option<&'a str>,
    /// The host entry id.
    pub host: &'a str,
    /// The node-wide counter.
    pub counter: u64,
}

impl<'a> PidParts<'a> {
    /// Splits `{[node@]host|0x...}` into its parts.
    ///
    /// # Errors
    ///
    /// A [`ParsePidError`] naming what is malformed; the host itself is checked only by
    /// [`PidHost::new`].
    pub fn parse(s: &'a str) -> Result<PidParts<'a>, ParsePidError> {
        let err = |kind| Err(ParsePidError { kind });
        let Some(rest) = s.strip_prefix('{') else {
            return err(ParsePidErrorKind::MissingOpenBrace);
        };
        let Some(inner) = rest.strip_suffix('}') else {
            return err(ParsePidErrorKind::MissingCloseBrace);
        };
        let Some((location, counter)) = inner.rsplit_once('|') else {
            return err(ParsePidErrorKind::MissingSeparator);
        };
        let (node, host) = match location.split_once('@') {
            Some((node, host)) => {
                if node == LOCAL_NODE {
                    return err(ParsePidErrorKind::LocalNodeSpelledOut);
                }
                (Some(node), host)
            }
            None => (None, location),
        };
        let counter = parse_counter(counter)?;
        Ok(PidParts {
            node,
            host,
            counter,
        })
    }

    /// `true` when `pid` is the PID these parts spell.
    pub fn matches(&self, pid: &Pid) -> bool {
        self.counter == pid.counter() && self.host == pid.host() && self.node == pid.node()
    }
}

fn parse_counter(s: &str) -> Result<u64, ParsePidError> {
    let err = |kind| Err(ParsePidError { kind });
    let Some(digits) = s.strip_prefix("0x") else {
        return err(ParsePidErrorKind::MissingHexPrefix);
    };
    let mut value: u64 = 0;
    let mut overflow = false;
    for (i, byte) in digits.bytes().enumerate() {
        let digit = match byte {
            b'0'..=b'9' => byte - b'0',
            b'a'..=b'f' => byte - b'a' + 10,
            _ => {
                let bad = digits[i..].chars().next().unwrap_or('?');
                return err(ParsePidErrorKind::InvalidCounterDigit(bad));
            }
        };
        overflow |= value >> 60 != 0;
        value = (value << 4) | u64::from(digit);
    }
    if digits.len() < MIN_COUNTER_DIGITS {
        return err(ParsePidErrorKind::CounterTooShort);
    }
    if digits.len() > MIN_COUNTER_DIGITS && digits.starts_with('0') {
        return err(ParsePidErrorKind::CounterLeadingZero);
    }
    if overflow {
        return err(ParsePidErrorKind::CounterOverflow);
    }
    Ok(value)
}

fn check_name(name: &str, part: PidPart) -> Result<(), ParsePidError> {
    if name.is_empty() {
        return Err(ParsePidError {
            kind: ParsePidErrorKind::EmptyName(part),
        });
    }
    if let Some(c) = name
        .chars()
        .find(|c| matches!(c, '{' | '}' | '|' | '@') || c.is_whitespace() || c.is_control())
    {
        return Err(ParsePidError {
            kind: ParsePidErrorKind::InvalidNameChar(part, c),
        });
    }
    Ok(())
}

/// Which part of a PID a [`ParsePidError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PidPart {
    /// The node name before `@`.
    Node,
    /// The host entry id.
    Host,
}

impl fmt::Display for PidPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PidPart::Node => "node name",
            PidPart::Host => "host id",
        })
    }
}

/// What is wrong with a PID string.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParsePidErrorKind {
    /// The string does not start with `{`.
    MissingOpenBrace,
    /// The string does not end with `}`.
    MissingCloseBrace,
    /// There is no `|` between the host and the counter.
    MissingSeparator,
    /// A node or host name is empty.
    EmptyName(PidPart),
    /// A node or host name contains this character, which is not allowed there.
    InvalidNameChar(PidPart, char),
    /// The node is written as `local@`, which the canonical form leaves out.
    LocalNodeSpelledOut,
    /// The counter does not start with `0x`.
    MissingHexPrefix,
    /// The counter contains this character, which is not a lowercase hex digit.
    InvalidCounterDigit(char),
    /// The counter has fewer than [`MIN_COUNTER_DIGITS`] digits.
    CounterTooShort,
    /// The counter has more than [`MIN_COUNTER_DIGITS`] digits and a leading zero.
    CounterLeadingZero,
    /// The counter does not fit in 64 bits.
    CounterOverflow,
}

/// The error returned when a string is not a canonical PID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsePidError {
    kind: ParsePidErrorKind,
}

impl ParsePidError {
    /// What is wrong.
    pub fn kind(&self) -> &ParsePidErrorKind {
        &self.kind
    }
}

impl fmt::Display for ParsePidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid PID: ")?;
        match &self.kind {
            ParsePidErrorKind::MissingOpenBrace => f.write_str("expected '{' at the start"),
            ParsePidErrorKind::MissingCloseBrace => f.write_str("expected '}' at the end"),
            ParsePidErrorKind::MissingSeparator => {
                f.write_str("expected '|' between the host id and the counter")
            }
            ParsePidErrorKind::EmptyName(part) => write!(f, "the {part} is empty"),
            ParsePidErrorKind::InvalidNameChar(part, c) => {
                write!(f, "the {part} contains {c:?}, which is not allowed there")
            }
            ParsePidErrorKind::LocalNodeSpelledOut => {
                f.write_str("the local node is written without a node part, not as \"local@\"")
            }
            ParsePidErrorKind::MissingHexPrefix => {
                f.write_str("expected the counter to start with 0x")
            }
            ParsePidErrorKind::InvalidCounterDigit(c) => {
                write!(
                    f,
                    "the counter contains {c:?}, expected lowercase hex digits"
                )
            }
            ParsePidErrorKind::CounterTooShort => write!(
                f,
                "the counter has fewer than {MIN_COUNTER_DIGITS} hex digits"
            ),
            ParsePidErrorKind::CounterLeadingZero => write!(
                f,
                "the counter has a leading zero beyond the {MIN_COUNTER_DIGITS} minimum digits"
            ),
            ParsePidErrorKind::CounterOverflow => {
                f.write_str("the counter does not fit in 64 bits")
            }
        }
    }
}

impl std::error::Error for ParsePidError {}

#[cfg(test)]
mod tests;
