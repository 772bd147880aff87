//! A YAML document as a tree of nodes that remember their line.
//!
//! # Why `saphyr-parser`
//!
//! - `serde_yaml` is deprecated; its forks (`serde_norway`, `serde_yml`) keep the
//!   `unsafe-libyaml` C-to-Rust translation and deserialize straight into values, so a
//!   validation error found after parsing can no longer name a line.
//! - `saphyr-parser` is the maintained successor of `yaml-rust`/`yaml-rust2` (same
//!   authors), pure safe Rust, YAML 1.2, two small dependencies, fuzzed upstream, and its
//!   event API hands out a span with every event. We build our own small tree from those
//!   events, so every node keeps its line, and we control what a hostile file can cost:
//!   nesting depth and alias expansion are bounded here ("billion laughs" is an error, not an
//!   out-of-memory).
//!
//! Scalars are resolved with the YAML 1.2 core schema (as Go's `yaml.v3` does for the
//! original): `null`/`~`/empty, `true`/`false`, decimal, `0x` and `0o` integers, floats with
//! `.inf`/`.nan`. Quoted scalars are strings. The core tags `!!str`, `!!int`, `!!float`,
//! `!!bool` and `!!null` are honoured; other tags are ignored. Merge keys (`<<: *anchor`) are
//! applied. Mapping keys must be strings, numbers or booleans (they become
//! [`MapKey`](crate::payload::MapKey)s) and may not repeat.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use crate::payload::{MapKey, Payload};

/// Deepest nesting of sequences and mappings accepted.
pub(crate) const MAX_DEPTH: usize = 128;

/// Most nodes one document may expand to, counting every copy an alias makes.
pub(crate) const MAX_NODES: usize = 200_000;

/// One node of a document, with the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) line: usize,
    /// Number of nodes in this subtree, itself included.
    size: usize,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(MapKey, Node)>),
}

impl Node {
    pub(crate) fn new(value: Value, line: usize) -> Node {
        let size = 1 + match &value {
            Value::Seq(items) => items.iter().map(|n| n.size).sum(),
            Value::Map(pairs) => pairs.iter().map(|(_, n)| n.size).sum(),
            _ => 0,
        };
        Node { value, line, size }
    }

    /// What this node is, for "expected X, found Y" messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_map(&self) -> Option<&[(MapKey, Node)]> {
        match &self.value {
            Value::Map(pairs) => Some(pairs),
            _ => None,
        }
    }

    /// The node as plain data: mappings become maps, sequences arrays (lines dropped).
    pub(crate) fn to_payload(&self) -> Payload {
        match &self.value {
            Value::Null => Payload::Nil,
            Value::Bool(b) => Payload::Bool(*b),
            Value::Int(i) => Payload::Int(*i),
            Value::Float(f) => Payload::Float(*f),
            Value::Str(s) => Payload::from(s.as_str()),
            Value::Seq(items) => items.iter().map(Node::to_payload).collect(),
            Value::Map(pairs) => {
                Payload::map(pairs.iter().map(|(k, v)| (k.clone(), v.to_payload())))
            }
        }
    }

    /// Looks up a string key in a mapping node.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// Looks up a string key in a mapping node, for changing the value.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(pairs) => pairs
                .iter_mut()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A document that could not be read, with the 1-based line of the problem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlError {
    pub(crate) line: usize,
    pub(crate) message: String,
    /// `true` for limits of this reader (depth, size, several documents) rather than syntax.
    pub(crate) unsupported: bool,
}

/// Parses the first and only document of `text`; `Ok(None)` when there is none.
pub(crate) fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    parse_documents(text, false)
}

/// The first document of `text` (or none), the rest of the stream unread: as Go's
/// `yaml.v3` `Unmarshal` reads a stream, for scripts' `yaml.decode`. A definition file
/// goes through [`parse`], which refuses a second document.
pub(crate) fn parse_first(text: &str) -> Result<Option<Node>, YamlError> {
    parse_documents(text, true)
}

fn parse_documents(text: &str, first_only: bool) -> Result<Option<Node>, YamlError> {
    if let Some(line) = crowded_flow_line(text) {
        return Err(too_many_nodes(line));
    }
    let mut builder = Builder::default();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| YamlError {
            line: problem_line(text, e.marker().line(), e.info()),
            message: e.info().to_owned(),
            unsupported: false,
        })?;
        let document_ended = matches!(event, Event::DocumentEnd);
        builder.event(event, span)?;
        if first_only && document_ended {
            break;
        }
    }
    Ok(builder.root)
}

/// The first line (1-based) on which flow collections (`[...]`, `{...}`) hold more than
/// [`MAX_NODES`] items, too many for one document.
///
/// The parser reads a whole line of a flow collection before it hands over the line's
/// first value (a key may still come), keeping some hundreds of bytes per item: a line
/// of ten million `[],` took gigabytes before the node count could stop it. This scan
/// counts a line's openings and commas inside flow collections, outside quotes, and
/// refuses the line before the parser sees it. Never fewer items than there are (a
/// bracket in a block scalar or a plain one may count), so a document it passes
/// gets the same answer as before.
fn crowded_flow_line(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (index, line) in text.lines().enumerate() {
        let mut items = 0usize;
        let mut prev = b' ';
        let mut escaped = false;
        for &b in line.as_bytes() {
            match quote {
                Some(b'"') => {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        quote = None;
                    }
                }
                Some(_) => {
                    if b == b'\'' {
                        quote = None;
                    }
                }
                None => match b {
                    b'#' if prev == b' ' || prev == b'\t' => break,
                    b'"' | b'\'' if matches!(prev, b' ' | b'\t' | b'[' | b'{' | b',' | b':') => {
                        quote = Some(b);
                    }
                    b'[' | b'{' => {
                        depth += 1;
                        items += 1;
                    }
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    b',' if depth > 0 => items += 1,
                    _ => {}
                },
            }
            prev = b;
        }
        if items > MAX_NODES {
            return Some(index + 1);
        }
    }
    None
}

/// The 1-based line to report for a scan error that the parser places at `marked`.
///
/// The parser marks a tab found in a plain scalar's continuation at the scalar's start,
/// a line or more before the tab; the line named is then the first from there whose
/// indentation holds a tab. Other errors are marked where they are.
fn problem_line(text: &str, marked: usize, info: &str) -> usize {
    if !info.contains("found a tab") {
        return marked;
    }
    text.lines()
        .enumerate()
        .skip(marked.saturating_sub(1))
        .find(|(_, line)| {
            line.bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .any(|b| b == b'\t')
        })
        .map_or(marked, |(index, _)| index + 1)
}

fn too_many_nodes(line: usize) -> YamlError {
    unsupported(
        line,
        &format!(
            "the document has more than {MAX_NODES} values (counting each alias as the values it repeats); split it into several files"
        ),
    )
}

enum Frame {
    Seq {
        items: Vec<Node>,
        line: usize,
        anchor: usize,
    },
    Map {
        pairs: Vec<(MapKey, Node)>,
        keys: HashSet<MapKey>,
        /// Keys given with `<<`, merged in when the mapping ends.
        merges: Vec<Node>,
        /// The key waiting for its value; `None` between pairs.
        pending: Option<PendingKey>,
        line: usize,
        anchor: usize,
    },
}

enum PendingKey {
    Key(MapKey),
    Merge,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    nodes: usize,
    documents: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let line = span.start.line();
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Ok(()),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(unsupported(
                        line,
                        "a definition file holds one YAML document; found a second `---`",
                    ));
                }
                Ok(())
            }
            Event::Alias(id) => {
                let Some(size) = self.anchors.get(&id).map(|n| n.size) else {
                    return Err(syntax(
                        line,
                        "alias refers to an anchor that is not defined yet",
                    ));
                };
                self.count(size, line)?;
                let Some(mut node) = self.anchors.get(&id).cloned() else {
                    return Err(syntax(
                        line,
                        "alias refers to an anchor that is not defined yet",
                    ));
                };
                node.line = line;
                self.complete(node, 0, true)
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.count(1, line)?;
                let value = resolve_scalar(&value, style, tag.as_deref(), line)?;
                self.complete(Node::new(value, line), anchor, false)
            }
            Event::SequenceStart(anchor, _) => self.push(
                Frame::Seq {
                    items: Vec::new(),
                    line,
                    anchor,
                },
                line,
            ),
            Event::MappingStart(anchor, _) => self.push(
                Frame::Map {
                    pairs: Vec::new(),
                    keys: HashSet::new(),
                    merges: Vec::new(),
                    pending: None,
                    line,
                    anchor,
                },
                line,
            ),
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq {
                    items,
                    line,
                    anchor,
                }) => self.complete(Node::new(Value::Seq(items), line), anchor, false),
                Some(Frame::Map {
                    mut pairs,
                    mut keys,
                    merges,
                    line,
                    anchor,
                    ..
                }) => {
                    for merge in merges {
                        merge_into(&mut pairs, &mut keys, merge)?;
                    }
                    self.complete(Node::new(Value::Map(pairs), line), anchor, false)
                }
                None => Err(syntax(line, "collection ends without having started")),
            },
        }
    }

    fn count(&mut self, n: usize, line: usize) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(too_many_nodes(line));
        }
        Ok(())
    }

    fn push(&mut self, frame: Frame, line: usize) -> Result<(), YamlError> {
        self.count(1, line)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(unsupported(
                line,
                &format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Hands a finished node to its parent (or makes it the root).
    fn complete(&mut self, node: Node, anchor: usize, from_alias: bool) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_some() {
                    return Err(unsupported(
                        node.line,
                        "a definition file holds one YAML document",
                    ));
                }
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                pairs,
                keys,
                merges,
                pending,
                ..
            }) => match pending.take() {
                None => {
                    let is_merge = !from_alias && matches!(&node.value, Value::Str(s) if s == "<<");
                    if is_merge {
                        *pending = Some(PendingKey::Merge);
                        return Ok(());
                    }
                    let key = map_key(&node)?;
                    if !keys.insert(key.clone()) {
                        return Err(YamlError {
                            line: node.line,
                            message: format!("key {key} appears twice in one mapping"),
                            unsupported: false,
                        });
                    }
                    *pending = Some(PendingKey::Key(key));
                    Ok(())
                }
                Some(PendingKey::Key(key)) => {
                    pairs.push((key, node));
                    Ok(())
                }
                Some(PendingKey::Merge) => {
                    merges.push(node);
                    Ok(())
                }
            },
        }
    }
}

/// Applies a `<<` merge: keys of the merged mapping(s) that the mapping lacks are added.
fn merge_into(
    pairs: &mut Vec<(MapKey, Node)>,
    keys: &mut HashSet<MapKey>,
    merge: Node,
) -> Result<(), YamlError> {
    let line = merge.line;
    let sources = match merge.value {
        Value::Map(p) => vec![p],
        Value::Seq(items) => {
            let mut maps = Vec::with_capacity(items.len());
            for item in items {
                match item.value {
                    Value::Map(p) => maps.push(p),
                    _ => {
                        return Err(syntax(
                            item.line,
                            "`<<` takes a mapping or a list of mappings",
                        ));
                    }
                }
            }
            maps
        }
        _ => return Err(syntax(line, "`<<` takes a mapping or a list of mappings")),
    };
    for source in sources {
        for (k, v) in source {
            if keys.insert(k.clone()) {
                pairs.push((k, v));
            }
        }
    }
    Ok(())
}

fn map_key(node: &Node) -> Result<MapKey, YamlError> {
    let key = match &node.value {
        Value::Str(s) => Some(MapKey::from(s.as_str())),
        Value::Int(i) => Some(MapKey::Int(*i)),
        Value::Bool(b) => Some(MapKey::Bool(*b)),
        Value::Float(f) => MapKey::from_f64(*f),
        Value::Null | Value::Seq(_) | Value::Map(_) => None,
    };
    key.ok_or_else(|| YamlError {
        line: node.line,
        message: format!(
            "a mapping key must be a string, a number or a boolean, found {}",
            if matches!(node.value, Value::Float(_)) {
                "NaN"
            } else {
                node.type_name()
            }
        ),
        unsupported: false,
    })
}

fn syntax(line: usize, message: &str) -> YamlError {
    YamlError {
        line,
        message: message.to_owned(),
        unsupported: false,
    }
}

fn unsupported(line: usize, message: &str) -> YamlError {
    YamlError {
        line,
        message: message.to_owned(),
        unsupported: true,
    }
}

fn resolve_scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    line: usize,
) -> Result<Value, YamlError> {
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
        let bad = |what: &str| {
            syntax(
                line,
                &format!("{text:?} is not a valid {what} (tag !!{})", tag.suffix),
            )
        };
        return match tag.suffix.as_str() {
            "str" => Ok(Value::Str(text.to_string())),
            "null" => plain_null(text)
                .then_some(Value::Null)
                .ok_or_else(|| bad("null")),
            "bool" => plain_bool(text)
                .map(Value::Bool)
                .ok_or_else(|| bad("boolean")),
            "int" => plain_int(text)
                .map(Value::Int)
                .ok_or_else(|| bad("integer")),
            "float" => plain_float(text)
                .or_else(|| plain_int(text).map(|i| i as f64))
                .map(Value::Float)
                .ok_or_else(|| bad("float")),
            _ => Ok(resolve_plain_or_string(text, style)),
        };
    }
    Ok(resolve_plain_or_string(text, style))
}

fn resolve_plain_or_string(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_owned());
    }
    if plain_null(text) {
        Value::Null
    } else if let Some(b) = plain_bool(text) {
        Value::Bool(b)
    } else if let Some(i) = plain_int(text) {
        Value::Int(i)
    } else if let Some(f) = plain_float(text) {
        Value::Float(f)
    } else {
        Value::Str(text.to_owned())
    }
}

fn plain_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn plain_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn plain_int(s: &str) -> Option<i64> {
    if let Some(hex) = s.strip_prefix("0x") {
        return digits_only(hex, 16)
            .then(|| i64::from_str_radix(hex, 16).ok())
            .flatten();
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return digits_only(oct, 8)
            .then(|| i64::from_str_radix(oct, 8).ok())
            .flatten();
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits_only(unsigned, 10) {
        return None;
    }
    s.parse().ok()
}

fn digits_only(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

fn plain_float(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let negative = s.starts_with('-');
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        ".nan" | ".NaN" | ".NAN" if s == unsigned => return Some(f64::NAN),
        _ => {}
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let int_ok = int_part.chars().all(|c| c.is_ascii_digit());
    let frac_ok = frac_part.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()));
    let has_digits = !int_part.is_empty() || frac_part.is_some_and(|f| !f.is_empty());
    let exp_ok = exponent.is_none_or(|e| digits_only(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if !(int_ok && frac_ok && has_digits && exp_ok) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests;
