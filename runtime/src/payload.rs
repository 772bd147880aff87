//! Message payloads: the value tree that messages, spawn arguments, exit results and registry
//! data carry between processes.
//!
//! Within a node, the original deep-copies Lua tables between processes (reference §4.4); a
//! [`Payload`] is that copy, independent of any Lua state, so it is `Send + Sync` and can
//! cross workers. Its shape follows Lua values:
//!
//! | Lua | `Payload` |
//! |---|---|
//! | `nil` | [`Payload::Nil`] |
//! | boolean | [`Payload::Bool`] |
//! | integer | [`Payload::Int`] (`i64`) |
//! | float | [`Payload::Float`] (`f64`) |
//! | string (a byte string) | [`Payload::Str`] (`Bytes`) |
//! | sequence table | [`Payload::Array`] |
//! | other table | [`Payload::Map`] with [`MapKey`] keys |
//! | error object | [`Payload::Error`] ([`ErrorValue`]) |
//!
//! Cloning is cheap at every level: strings are [`Bytes`], arrays, maps and errors sit behind
//! an `Arc`. A payload is immutable once built; build maps with [`Map`] and arrays from a
//! `Vec` or an iterator, then wrap them.
//!
//! Map keys behave like Lua table keys: a float key with an integral value *is* the integer
//! key (`t[1.0]` and `t[1]` are one slot), and NaN cannot be a key. Maps keep insertion order,
//! so iteration, `Display` and anything derived from them are deterministic.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;

mod map;
mod text;
pub use map::{Map, MapIter};
pub use text::Text;

/// A message payload value. See the [module docs](self).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Payload {
    /// Lua `nil`, JSON `null`.
    #[default]
    Nil,
    /// A boolean.
    Bool(bool),
    /// A Lua integer.
    Int(i64),
    /// A Lua float.
    Float(f64),
    /// A Lua string: bytes, not necessarily UTF-8.
    Str(Text),
    /// A sequence (a Lua table with keys `1..=n`).
    Array(Arc<[Payload]>),
    /// Any other table.
    Map(Arc<Map>),
    /// A structured error value (what `errors.new` makes).
    Error(Arc<ErrorValue>),
}

impl Payload {
    /// Builds a string payload by copying `s`.
    pub fn string(s: impl AsRef<[u8]>) -> Payload {
        Payload::Str(Text::copy_from_slice(s.as_ref()))
    }

    /// Builds an array payload.
    pub fn array(items: impl IntoIterator<Item = Payload>) -> Payload {
        Payload::Array(items.into_iter().collect())
    }

    /// Builds a map payload; later duplicates of a key replace the value in the first slot.
    pub fn map<K: Into<MapKey>, V: Into<Payload>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Payload {
        Payload::Map(Arc::new(pairs.into_iter().collect()))
    }

    /// `true` for the values without parts (nil, booleans, numbers, strings): a copy of
    /// one is equal to it and shares nothing with it.
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Payload::Nil | Payload::Bool(_) | Payload::Int(_) | Payload::Float(_) | Payload::Str(_)
        )
    }

    /// The name of this value's type as Lua's `type()` would say it, except that errors
    /// are `"error"` and arrays and maps are both `"table"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Payload::Nil => "nil",
            Payload::Bool(_) => "boolean",
            Payload::Int(_) | Payload::Float(_) => "number",
            Payload::Str(_) => "string",
            Payload::Array(_) | Payload::Map(_) => "table",
            Payload::Error(_) => "error",
        }
    }

    /// Whether this is a table (array or map) without entries.
    pub fn is_empty_container(&self) -> bool {
        match self {
            Payload::Array(items) => items.is_empty(),
            Payload::Map(map) => map.is_empty(),
            _ => false,
        }
    }

    /// Whether this is [`Payload::Nil`].
    pub fn is_nil(&self) -> bool {
        matches!(self, Payload::Nil)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Payload::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if this is one (floats are not converted).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Payload::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The number as a float, if this is an integer or a float.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            #[allow(clippy::cast_precision_loss)]
            Payload::Int(i) => Some(*i as f64),
            Payload::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The string's bytes, if this is a string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Payload::Str(b) => Some(b),
            _ => None,
        }
    }

    /// The string, if this is a string holding valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Payload]> {
        match self {
            Payload::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The map, if this is a map.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Payload::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The error, if this is an error value.
    pub fn as_error(&self) -> Option<&ErrorValue> {
        match self {
            Payload::Error(e) => Some(e),
            _ => None,
        }
    }

    /// Looks up a string key, if this is a map.
    pub fn get(&self, key: &str) -> Option<&Payload> {
        self.as_map().and_then(|m| m.get(key))
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Payload {
            fn from(v: $t) -> Payload {
                Payload::Int(i64::from(v))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<bool> for Payload {
    fn from(v: bool) -> Payload {
        Payload::Bool(v)
    }
}

impl From<f64> for Payload {
    fn from(v: f64) -> Payload {
        Payload::Float(v)
    }
}

impl From<f32> for Payload {
    fn from(v: f32) -> Payload {
        Payload::Float(f64::from(v))
    }
}

impl From<&str> for Payload {
    fn from(v: &str) -> Payload {
        Payload::string(v)
    }
}

impl From<String> for Payload {
    fn from(v: String) -> Payload {
        Payload::Str(Text::from(v))
    }
}

impl From<&[u8]> for Payload {
    fn from(v: &[u8]) -> Payload {
        Payload::string(v)
    }
}

impl From<Vec<u8>> for Payload {
    fn from(v: Vec<u8>) -> Payload {
        Payload::Str(Text::from(v))
    }
}

impl From<Bytes> for Payload {
    fn from(v: Bytes) -> Payload {
        Payload::Str(Text::from(v))
    }
}

impl From<Text> for Payload {
    fn from(v: Text) -> Payload {
        Payload::Str(v)
    }
}

impl From<Vec<Payload>> for Payload {
    fn from(v: Vec<Payload>) -> Payload {
        Payload::Array(v.into())
    }
}

impl From<Map> for Payload {
    fn from(v: Map) -> Payload {
        Payload::Map(Arc::new(v))
    }
}

impl From<ErrorValue> for Payload {
    fn from(v: ErrorValue) -> Payload {
        Payload::Error(Arc::new(v))
    }
}

impl<T: Into<Payload>> From<Option<T>> for Payload {
    fn from(v: Option<T>) -> Payload {
        v.map_or(Payload::Nil, Into::into)
    }
}

impl FromIterator<Payload> for Payload {
    fn from_iter<I: IntoIterator<Item = Payload>>(iter: I) -> Payload {
        Payload::array(iter)
    }
}

/// A map key: the non-nil, non-NaN scalar values Lua accepts as table keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MapKey {
    /// A boolean key.
    Bool(bool),
    /// An integer key (also every float key with an integral value).
    Int(i64),
    /// A float key that is neither NaN nor integral.
    Float(KeyFloat),
    /// A string key.
    Str(Text),
}

impl MapKey {
    /// Turns a float into a key as Lua does: integral values become [`MapKey::Int`], NaN is
    /// refused (`None`).
    pub fn from_f64(f: f64) -> Option<MapKey> {
        if f.is_nan() {
            return None;
        }
        // Exactly representable integral floats in i64 range become integer keys.
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        if f.fract() == 0.0 && f >= -(2f64.powi(63)) && f < 2f64.powi(63) {
            return Some(MapKey::Int(f as i64));
        }
        Some(MapKey::Float(KeyFloat(f)))
    }

    /// Turns a payload into a key; `None` for nil, NaN, tables and errors.
    pub fn from_payload(p: &Payload) -> Option<MapKey> {
        match p {
            Payload::Bool(b) => Some(MapKey::Bool(*b)),
            Payload::Int(i) => Some(MapKey::Int(*i)),
            Payload::Float(f) => MapKey::from_f64(*f),
            Payload::Str(s) => Some(MapKey::Str(s.clone())),
            _ => None,
        }
    }

    /// The key as a payload value.
    pub fn to_payload(&self) -> Payload {
        match self {
            MapKey::Bool(b) => Payload::Bool(*b),
            MapKey::Int(i) => Payload::Int(*i),
            MapKey::Float(f) => Payload::Float(f.get()),
            MapKey::Str(s) => Payload::Str(s.clone()),
        }
    }

    /// The key as UTF-8 text, if it is a string key holding valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            MapKey::Str(s) => std::str::from_utf8(s).ok(),
            _ => None,
        }
    }
}

/// A float usable as a map key: never NaN and never integral, so comparing bits is equality.
/// Build it through [`MapKey::from_f64`].
#[derive(Clone, Copy, Debug)]
pub struct KeyFloat(f64);

impl KeyFloat {
    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl PartialEq for KeyFloat {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for KeyFloat {}

impl std::hash::Hash for KeyFloat {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}

impl From<&str> for MapKey {
    fn from(v: &str) -> MapKey {
        MapKey::Str(Text::copy_from_slice(v.as_bytes()))
    }
}

impl From<String> for MapKey {
    fn from(v: String) -> MapKey {
        MapKey::Str(Text::from(v))
    }
}

impl From<Bytes> for MapKey {
    fn from(v: Bytes) -> MapKey {
        MapKey::Str(Text::from(v))
    }
}

impl From<Text> for MapKey {
    fn from(v: Text) -> MapKey {
        MapKey::Str(v)
    }
}

impl From<i64> for MapKey {
    fn from(v: i64) -> MapKey {
        MapKey::Int(v)
    }
}

impl From<i32> for MapKey {
    fn from(v: i32) -> MapKey {
        MapKey::Int(i64::from(v))
    }
}

impl From<bool> for MapKey {
    fn from(v: bool) -> MapKey {
        MapKey::Bool(v)
    }
}

/// The error kinds of the `errors` module (reference §1.8), plus any other kind string.
///
/// Each kind has the original runtime's string ([`as_str`](Self::as_str): what
/// `err:kind()` returns and what the constants hold, `errors.NOT_FOUND == "NotFound"`)
/// and its constant's name ([`constant_name`](Self::constant_name)).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `UNKNOWN`, `""`: the default.
    #[default]
    Unknown,
    /// `INVALID`, `"Invalid"`: bad input.
    Invalid,
    /// `NOT_FOUND`, `"NotFound"`.
    NotFound,
    /// `ALREADY_EXISTS`, `"AlreadyExists"`.
    AlreadyExists,
    /// `PERMISSION_DENIED`, `"PermissionDenied"`.
    PermissionDenied,
    /// `TIMEOUT`, `"Timeout"`.
    Timeout,
    /// `CANCELED`, `"Canceled"`.
    Canceled,
    /// `UNAVAILABLE`, `"Unavailable"`.
    Unavailable,
    /// `INTERNAL`, `"Internal"`.
    Internal,
    /// `CONFLICT`, `"Conflict"`.
    Conflict,
    /// `RATE_LIMITED`, `"RateLimited"`.
    RateLimited,
    /// A kind string that is none of the above, kept as written.
    Other(Arc<str>),
}

impl ErrorKind {
    /// Every named kind, in the order of the reference.
    pub const NAMED: [ErrorKind; 11] = [
        ErrorKind::Unknown,
        ErrorKind::Invalid,
        ErrorKind::NotFound,
        ErrorKind::AlreadyExists,
        ErrorKind::PermissionDenied,
        ErrorKind::Timeout,
        ErrorKind::Canceled,
        ErrorKind::Unavailable,
        ErrorKind::Internal,
        ErrorKind::Conflict,
        ErrorKind::RateLimited,
    ];

    /// The kind from its string ([`as_str`](Self::as_str)); other strings become
    /// [`ErrorKind::Other`].
    pub fn from_name(name: &str) -> ErrorKind {
        ErrorKind::NAMED
            .iter()
            .find(|k| k.as_str() == name)
            .cloned()
            .unwrap_or_else(|| ErrorKind::Other(name.into()))
    }

    /// The kind string, as the original runtime spells it: `"NotFound"`, `""` for
    /// [`ErrorKind::Unknown`].
    pub fn as_str(&self) -> &str {
        match self {
            ErrorKind::Unknown => "",
            ErrorKind::Invalid => "Invalid",
            ErrorKind::NotFound => "NotFound",
            ErrorKind::AlreadyExists => "AlreadyExists",
            ErrorKind::PermissionDenied => "PermissionDenied",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::Canceled => "Canceled",
            ErrorKind::Unavailable => "Unavailable",
            ErrorKind::Internal => "Internal",
            ErrorKind::Conflict => "Conflict",
            ErrorKind::RateLimited => "RateLimited",
            ErrorKind::Other(s) => s,
        }
    }

    /// The name of the kind's constant in the `errors` module, e.g. `"NOT_FOUND"`
    /// (`None` for [`ErrorKind::Other`]).
    pub fn constant_name(&self) -> Option<&'static str> {
        Some(match self {
            ErrorKind::Unknown => "UNKNOWN",
            ErrorKind::Invalid => "INVALID",
            ErrorKind::NotFound => "NOT_FOUND",
            ErrorKind::AlreadyExists => "ALREADY_EXISTS",
            ErrorKind::PermissionDenied => "PERMISSION_DENIED",
            ErrorKind::Timeout => "TIMEOUT",
            ErrorKind::Canceled => "CANCELED",
            ErrorKind::Unavailable => "UNAVAILABLE",
            ErrorKind::Internal => "INTERNAL",
            ErrorKind::Conflict => "CONFLICT",
            ErrorKind::RateLimited => "RATE_LIMITED",
            ErrorKind::Other(_) => return None,
        })
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A structured error value: what `errors.new{message, kind, retryable, details}` builds.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorValue {
    message: String,
    kind: ErrorKind,
    retryable: Option<bool>,
    /// Boxed: most errors have none, and errors travel in `Result`s.
    details: Option<Box<Payload>>,
    stack: Option<Arc<str>>,
    /// What `errors.wrap` added, outermost first (`"loading user: query"`).
    context: Option<Arc<str>>,
}

impl ErrorValue {
    /// An error with this message and kind, no retryable flag and no details.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ErrorValue {
        ErrorValue {
            message: message.into(),
            kind,
            retryable: None,
            details: None,
            stack: None,
            context: None,
        }
    }

    /// Adds `context` in front of the context the error already has (what
    /// `errors.wrap(err, context)` does: the message stays the inner error's).
    #[must_use]
    pub fn wrapped(mut self, context: &str) -> ErrorValue {
        // An empty context adds nothing (Go's `Error()` leaves out the separator).
        if context.is_empty() {
            return self;
        }
        self.context = Some(match &self.context {
            Some(inner) => format!("{context}: {inner}").into(),
            None => context.into(),
        });
        self
    }

    /// Sets the kind.
    #[must_use]
    pub fn with_kind(mut self, kind: ErrorKind) -> ErrorValue {
        self.kind = kind;
        self
    }

    /// Sets the retryable flag.
    #[must_use]
    pub fn with_retryable(mut self, retryable: bool) -> ErrorValue {
        self.retryable = Some(retryable);
        self
    }

    /// Replaces the message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> ErrorValue {
        self.message = message.into();
        self
    }

    /// Sets the details payload.
    #[must_use]
    pub fn with_details(mut self, details: impl Into<Payload>) -> ErrorValue {
        self.details = Some(Box::new(details.into()));
        self
    }

    /// Sets the stack trace: the Lua traceback text where the error was made or raised.
    #[must_use]
    pub fn with_stack(mut self, stack: impl Into<Arc<str>>) -> ErrorValue {
        self.stack = Some(stack.into());
        self
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The kind.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The retryable flag, `None` when it was not set.
    pub fn retryable(&self) -> Option<bool> {
        self.retryable
    }

    /// The details, if any.
    pub fn details(&self) -> Option<&Payload> {
        self.details.as_deref()
    }

    /// The stack trace, if one was captured.
    pub fn stack(&self) -> Option<&str> {
        self.stack.as_deref()
    }

    /// The context `errors.wrap` added, outermost first, if any.
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// The text of the error: the message after the context, `"loading user: not
    /// found"` (what Lua's `tostring` gives).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match &self.context {
            Some(context) => format!("{context}: {}", self.message).into(),
            None => self.message.as_str().into(),
        }
    }
}

impl fmt::Display for ErrorValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind != ErrorKind::Unknown {
            write!(f, "{}: ", self.kind)?;
        }
        if let Some(context) = &self.context {
            write!(f, "{context}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ErrorValue {}

/// JSON-like text: `null`, `true`, `42`, `1.5`, `"text"`, `[1, 2]`, `{"a": 1, 2: true}`.
///
/// Where JSON has no spelling, it bends: map keys that are not strings are printed bare
/// (`{1: "x"}`), floats keep a decimal point (`1.0`) and print `nan`, `inf`, `-inf`; string
/// bytes that are not UTF-8 print as `\xNN`; an error prints as
/// `error{"kind": "NotFound", "message": "…", "retryable": true, "details": …}` with the
/// unset fields left out.
impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Nil => f.write_str("null"),
            Payload::Bool(b) => write!(f, "{b}"),
            Payload::Int(i) => write!(f, "{i}"),
            Payload::Float(x) => write_float(f, *x),
            Payload::Str(s) => write_string(f, s),
            Payload::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Payload::Map(map) => {
                f.write_str("{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Payload::Error(e) => {
                f.write_str("error{\"kind\": ")?;
                write_string(f, e.kind.as_str().as_bytes())?;
                f.write_str(", \"message\": ")?;
                write_string(f, e.message.as_bytes())?;
                if let Some(context) = &e.context {
                    f.write_str(", \"context\": ")?;
                    write_string(f, context.as_bytes())?;
                }
                if let Some(r) = e.retryable {
                    write!(f, ", \"retryable\": {r}")?;
                }
                if let Some(d) = &e.details {
                    write!(f, ", \"details\": {d}")?;
                }
                f.write_str("}")
            }
        }
    }
}

impl fmt::Display for MapKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapKey::Bool(b) => write!(f, "{b}"),
            MapKey::Int(i) => write!(f, "{i}"),
            MapKey::Float(x) => write_float(f, x.get()),
            MapKey::Str(s) => write_string(f, s),
        }
    }
}

fn write_float(f: &mut fmt::Formatter<'_>, x: f64) -> fmt::Result {
    if x.is_nan() {
        f.write_str("nan")
    } else if x.is_infinite() {
        f.write_str(if x > 0.0 { "inf" } else { "-inf" })
    } else {
        // `{:?}` is the shortest round-trip form and keeps a `.0` on integral values.
        write!(f, "{x:?}")
    }
}

fn write_string(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    use fmt::Write;
    f.write_char('"')?;
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
                c => f.write_char(c)?,
            }
        }
        for b in chunk.invalid() {
            write!(f, "\\x{b:02x}")?;
        }
    }
    f.write_char('"')
}

#[cfg(test)]
mod tests;
