//! Entry ids: `namespace:name`.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// An entry id, `namespace:name`, split at the first `:` (reference §2.1).
///
/// The namespace is dotted (`app.test.process`); the name may hold dots and dashes
/// (`submit_task.endpoint`, `relay-service`). Neither part is empty or holds white space.
/// Cloning shares one `Arc<str>`. Equality, hashing and order are those of the whole id
/// as a string (the colon's place follows from it), so maps keyed by ids can be read
/// with a `&str` ([`Borrow<str>`](std::borrow::Borrow)).
#[derive(Clone)]
pub struct EntryId {
    full: Arc<str>,
    /// Byte offset of the first `:`.
    colon: usize,
}

impl EntryId {
    /// Makes `namespace:name` from its parts.
    ///
    /// # Errors
    ///
    /// An empty part, white space or control characters, or a `:` in the namespace.
    pub fn new(namespace: &str, name: &str) -> Result<EntryId, ParseEntryIdError> {
        check_part(namespace, "namespace")?;
        if namespace.contains(':') {
            return Err(ParseEntryIdError("the namespace contains ':'"));
        }
        check_part(name, "name")?;
        Ok(EntryId {
            full: format!("{namespace}:{name}").into(),
            colon: namespace.len(),
        })
    }

    /// Parses `reference`, putting `namespace` in front when it has no namespace of its own:
    /// `relay` in namespace `app` is `app:relay`, `app.lib:assert` stays as it is (the
    /// original's `WithDefaultNS`).
    ///
    /// # Errors
    ///
    /// As [`EntryId::new`].
    pub fn with_default_ns(reference: &str, namespace: &str) -> Result<EntryId, ParseEntryIdError> {
        match reference.split_once(':') {
            Some((ns, name)) => EntryId::new(ns, name),
            None => EntryId::new(namespace, reference),
        }
    }

    /// The namespace part.
    pub fn namespace(&self) -> &str {
        &self.full[..self.colon]
    }

    /// The name part.
    pub fn name(&self) -> &str {
        &self.full[self.colon + 1..]
    }

    /// The whole id, `namespace:name`.
    pub fn as_str(&self) -> &str {
        &self.full
    }
}

impl PartialEq for EntryId {
    fn eq(&self, other: &EntryId) -> bool {
        self.full == other.full
    }
}

impl Eq for EntryId {}

impl std::hash::Hash for EntryId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for EntryId {
    fn partial_cmp(&self, other: &EntryId) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EntryId {
    fn cmp(&self, other: &EntryId) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::borrow::Borrow<str> for EntryId {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

fn check_part(part: &str, what: &'static str) -> Result<(), ParseEntryIdError> {
    if part.is_empty() {
        return Err(ParseEntryIdError(if what == "namespace" {
            "the namespace is empty"
        } else {
            "the name is empty"
        }));
    }
    if part.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ParseEntryIdError(
            "it contains white space or control characters",
        ));
    }
    Ok(())
}

impl FromStr for EntryId {
    type Err = ParseEntryIdError;

    /// Parses `namespace:name`; a string without `:` is an error.
    fn from_str(s: &str) -> Result<EntryId, ParseEntryIdError> {
        match s.split_once(':') {
            Some((ns, name)) => EntryId::new(ns, name),
            None => Err(ParseEntryIdError("expected namespace:name")),
        }
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

impl fmt::Debug for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryId({})", self.full)
    }
}

/// Why a string is not an entry id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEntryIdError(&'static str);

impl fmt::Display for ParseEntryIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid entry id: {}", self.0)
    }
}

impl std::error::Error for ParseEntryIdError {}
