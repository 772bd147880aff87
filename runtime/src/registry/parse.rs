//! One definition file's text to entries.
//!
//! Steps, per file:
//!
//! 1. Parse the YAML into [`Node`]s that keep their line ([`yaml`](super::yaml)).
//! 2. Skip the file silently when its top level has no `namespace` (the original does).
//! 3. Take the entries: the `entries:` list, or the single entry given by top-level `name` +
//!    `kind`.
//! 4. Per entry: check `name` and `kind`, merge the file's `meta` under the entry's, lift a
//!    `data:` map into the inline fields.
//! 5. Normalise references ([`REF_FIELDS`]): `relay` becomes `app:relay` in namespace `app`.
//! 6. Turn the fields into [`Payload`] data, replacing `file://` values with the file's
//!    contents when a reader is given.
//! 7. Read the typed view of the kind and the `lifecycle` block.
//!
//! An entry with any error is left out and the errors are collected; the next entry is
//! still read, so one run reports everything wrong with a file.

use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;

use super::error::{LoadError, LoadErrorKind, LoadErrors};
use super::kinds::{parse_config, parse_lifecycle};
use super::overrides::Overrides;
use super::yaml::{self, Node, Value};
use super::{Entry, EntryId, FileInclude, Location, Reference};
use crate::payload::{Map, MapKey, Payload};

/// The prefix of values that name a file to include.
pub(crate) const FILE_SCHEME: &str = "file://";

/// Reads an included file (`'a`: the borrow, `'r`: what the reader borrows).
pub(crate) type Reader<'a, 'r> = &'a mut (dyn FnMut(&Path) -> io::Result<Bytes> + 'r);

/// Top-level keys of a file that are not part of a single entry's data.
const FILE_KEYS: &[&str] = &[
    "namespace",
    "version",
    "meta",
    "entries",
    "requirements",
    "name",
    "kind",
];

/// Parses one definition file's text, without touching the file system.
///
/// `path` is used in messages and to resolve `file://` values, which stay as strings in the
/// data; their [`FileInclude::content`] is `None`. A file without `namespace` gives no
/// entries. Never panics, whatever the input.
///
/// # Errors
///
/// Every problem found in the file (YAML syntax, missing or wrong fields, bad references).
pub fn parse_file(path: &Path, text: &str) -> Result<Vec<Entry>, LoadErrors> {
    let mut errors = Vec::new();
    let root = path.parent().unwrap_or(Path::new(""));
    let entries = parse_text(path, root, text, None, None, &mut errors);
    LoadErrors::from_vec(errors).map_or(Ok(entries), Err)
}

/// As [`parse_file`], with a reader for `file://` values; errors are appended to `errors`.
/// `source_root` is the directory `file://` paths may not leave (the source directory the file
/// was found in; `file:///x` names `source_root/x`, as in the original's loader).
pub(crate) fn parse_text(
    path: &Path,
    source_root: &Path,
    text: &str,
    reader: Option<Reader<'_, '_>>,
    overrides: Option<&mut Overrides<'_>>,
    errors: &mut Vec<LoadError>,
) -> Vec<Entry> {
    let root = match yaml::parse(text) {
        Ok(Some(root)) => root,
        Ok(None) => return Vec::new(),
        Err(e) => {
            let kind = if e.unsupported {
                LoadErrorKind::Unsupported(e.message)
            } else {
                LoadErrorKind::Syntax(e.message)
            };
            errors.push(LoadError::new(path, Some(e.line), kind));
            return Vec::new();
        }
    };
    parse_document(path, source_root, &root, reader, overrides, errors)
}

/// As [`parse_text`], from a document already read into a node tree (a definition file,
/// or a document built from a registry change).
pub(crate) fn parse_document(
    path: &Path,
    source_root: &Path,
    root: &Node,
    mut reader: Option<Reader<'_, '_>>,
    mut overrides: Option<&mut Overrides<'_>>,
    errors: &mut Vec<LoadError>,
) -> Vec<Entry> {
    let mut ctx = Ctx {
        path,
        entry: None,
        errors,
        includes: Vec::new(),
    };
    // Only mappings with a namespace are definition files.
    let Some(ns_node) = root
        .get("namespace")
        .filter(|n| !matches!(n.value, Value::Null))
    else {
        return Vec::new();
    };
    let Some(namespace) = ns_node.as_str() else {
        ctx.wrong_type(ns_node, "namespace", "a namespace string such as app");
        return Vec::new();
    };
    if let Err(e) = EntryId::new(namespace, "x") {
        ctx.invalid(
            ns_node.line,
            "namespace",
            format!("a namespace such as app.lib ({e})"),
            namespace.to_owned(),
        );
        return Vec::new();
    }
    if let Some(v) = root.get("version") {
        if !matches!(
            v.value,
            Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Null
        ) {
            ctx.wrong_type(v, "version", "a version string such as \"1.0\"");
        }
    }
    let file_meta = match root.get("meta") {
        None => Map::new(),
        Some(n) => match &n.value {
            Value::Null => Map::new(),
            Value::Map(_) => node_to_map(n),
            _ => {
                ctx.wrong_type(n, "meta", "a map");
                Map::new()
            }
        },
    };
    let file = FileCtx {
        path: Arc::from(path),
        base_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        root: source_root.to_path_buf(),
        namespace,
        meta: file_meta,
    };

    let mut out = Vec::new();
    match root.get("entries") {
        Some(list) if !matches!(list.value, Value::Null) => {
            if root.get("name").is_some() || root.get("kind").is_some() {
                ctx.error(
                    root.line,
                    "entries",
                    LoadErrorKind::WrongType {
                        expected: "either an `entries` list or a single top-level entry".into(),
                        found: "both",
                    },
                );
            }
            match &list.value {
                Value::Seq(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let label = format!("entries[{i}]");
                        let item = overridden(&mut ctx, namespace, item, overrides.as_deref_mut());
                        if let Some(e) =
                            parse_entry(&mut ctx, &file, &item, label, &[], reader.as_deref_mut())
                        {
                            out.push(e);
                        }
                    }
                }
                _ => ctx.wrong_type(list, "entries", "a list of entries"),
            }
        }
        _ if root.get("name").is_some() || root.get("kind").is_some() => {
            let root = overridden(&mut ctx, namespace, root, overrides);
            if let Some(e) = parse_entry(
                &mut ctx,
                &file,
                &root,
                "(top level)".into(),
                FILE_KEYS,
                reader,
            ) {
                out.push(e);
            }
        }
        _ => ctx.missing(
            root.line,
            "entries",
            "a list of entries, or a single entry with top-level name and kind",
        ),
    }
    out
}

/// The entry node at `node`, with the overrides for it applied (a copy), or as it is.
/// An override whose field crosses a value that is not a map is reported here.
fn overridden<'n>(
    ctx: &mut Ctx<'_>,
    namespace: &str,
    node: &'n Node,
    overrides: Option<&mut Overrides<'_>>,
) -> Cow<'n, Node> {
    let (Some(overrides), Some(name)) = (overrides, node.get("name").and_then(Node::as_str)) else {
        return Cow::Borrowed(node);
    };
    let matching = overrides.take_for(namespace, name);
    if matching.is_empty() {
        return Cow::Borrowed(node);
    }
    let mut copy = node.clone();
    for o in matching {
        if let Err((crossed, found)) = o.apply(&mut copy) {
            ctx.errors.push(
                LoadError::new(
                    ctx.path,
                    Some(node.line),
                    LoadErrorKind::WrongType {
                        expected: format!("a map, for the override {:?}", o.spec()).into(),
                        found,
                    },
                )
                .with_entry(Some(o.entry().to_string()))
                .with_field(crossed),
            );
        }
    }
    Cow::Owned(copy)
}

/// What every entry of one file shares.
struct FileCtx<'a> {
    path: Arc<Path>,
    base_dir: PathBuf,
    /// The directory `file://` paths must stay inside.
    root: PathBuf,
    namespace: &'a str,
    meta: Map,
}

fn parse_entry<'r>(
    ctx: &mut Ctx<'_>,
    file: &FileCtx<'_>,
    node: &Node,
    label: String,
    skip: &[&str],
    reader: Option<Reader<'_, 'r>>,
) -> Option<Entry> {
    let first_error = ctx.errors.len();
    ctx.entry = Some(label);
    ctx.includes.clear();
    let Value::Map(pairs) = &node.value else {
        ctx.wrong_type(node, "", "an entry (a map with name and kind)");
        return None;
    };

    // name and kind
    let id = match node.get("name") {
        None
        | Some(Node {
            value: Value::Null, ..
        }) => {
            ctx.missing(node.line, "name", "the entry name, a string");
            None
        }
        Some(n) => match n.as_str() {
            None => {
                ctx.wrong_type(n, "name", "the entry name, a string");
                None
            }
            Some(name) => match EntryId::new(file.namespace, name) {
                Ok(id) => Some(id),
                Err(e) => {
                    ctx.invalid(
                        n.line,
                        "name",
                        format!("an entry name ({e})"),
                        name.to_owned(),
                    );
                    None
                }
            },
        },
    };
    if let Some(id) = &id {
        ctx.entry = Some(id.to_string());
    }
    let kind = match node.get("kind") {
        None
        | Some(Node {
            value: Value::Null, ..
        }) => {
            ctx.missing(
                node.line,
                "kind",
                "the entry kind, a string such as process.lua",
            );
            None
        }
        Some(n) => match n.as_str() {
            Some(k) if !k.trim().is_empty() => Some(k.to_owned()),
            Some(k) => {
                ctx.invalid(
                    n.line,
                    "kind",
                    "the entry kind, such as process.lua",
                    k.to_owned(),
                );
                None
            }
            None => {
                ctx.wrong_type(n, "kind", "the entry kind, a string such as process.lua");
                None
            }
        },
    };

    // meta, with the file's meta underneath
    let mut meta_node = match node.get("meta") {
        None => None,
        Some(n) => match &n.value {
            Value::Null => None,
            Value::Map(_) => Some(n.clone()),
            _ => {
                ctx.wrong_type(n, "meta", "a map");
                None
            }
        },
    };

    // data: every other field, with a `data:` map lifted in
    let mut data_pairs: Vec<(MapKey, Node)> = Vec::new();
    let mut lifted: Option<&Node> = None;
    for (key, value) in pairs {
        match key.as_str() {
            Some("name" | "kind" | "meta") => {}
            Some(k) if skip.contains(&k) => {}
            Some("data") if matches!(value.value, Value::Map(_)) => lifted = Some(value),
            _ => data_pairs.push((key.clone(), value.clone())),
        }
    }
    if let Some(Value::Map(extra)) = lifted.map(|n| &n.value) {
        for (key, value) in extra {
            if data_pairs.iter().any(|(k, _)| k == key) {
                ctx.error(value.line, &key_name(key), LoadErrorKind::DuplicateField);
            } else {
                data_pairs.push((key.clone(), value.clone()));
            }
        }
    }
    let mut data_node = Node::new(Value::Map(data_pairs), node.line);

    let (Some(id), Some(kind)) = (id, kind) else {
        return None;
    };

    // references
    let mut references = Vec::new();
    for rf in REF_FIELDS {
        if (rf.applies)(&kind) {
            normalize(ctx, file.namespace, &mut data_node, rf, "", &mut references);
        }
    }
    if let Some(meta) = meta_node.as_mut() {
        for rf in META_REF_FIELDS {
            if (rf.applies)(&kind) {
                normalize(ctx, file.namespace, meta, rf, "meta", &mut references);
            }
        }
    }

    // payload data, with includes
    let mut meta = file.meta.clone();
    if let Some(m) = &meta_node {
        for (k, v) in node_to_map(m).iter() {
            meta.insert(k.clone(), v.clone());
        }
    }
    let mut converter = Converter {
        ctx,
        base_dir: &file.base_dir,
        root: &file.root,
        reader,
        field: Vec::new(),
    };
    let data = match converter.convert(&data_node) {
        Payload::Map(m) => Arc::unwrap_or_clone(m),
        _ => Map::new(),
    };

    let config = parse_config(ctx, &kind, &data_node, &data);
    let lifecycle = match data_node.get("lifecycle") {
        None => None,
        // A Lua entry has no lifecycle in the original (R `api/runtime/lua/config.go`
        // has no such field): the block is data, and starts or supervises nothing (a
        // `process.service` does that for a process).
        Some(_) if super::LuaKind::from_kind(&kind).is_some() => None,
        Some(n) => match &n.value {
            Value::Null => None,
            Value::Map(_) => Some(parse_lifecycle(ctx, n, data.get("lifecycle"))),
            _ => {
                ctx.wrong_type(n, "lifecycle", "a map");
                None
            }
        },
    };
    if ctx.errors.len() > first_error {
        return None;
    }
    Some(Entry {
        id,
        kind: kind.into(),
        meta,
        data,
        config: config?,
        lifecycle,
        location: Location {
            path: Arc::clone(&file.path),
            line: node.line,
        },
        references,
        includes: std::mem::take(&mut ctx.includes),
        revision: super::entry::next_revision(),
    })
}

// ---------------------------------------------------------------------------------------
// References

/// How a reference field holds its ids.
#[derive(Clone, Copy)]
enum Shape {
    /// One id string.
    One,
    /// A list of id strings.
    List,
    /// A map whose values are id strings (`imports: {alias: id}`).
    Values,
}

/// A field, by kind, that names other entries.
struct RefField {
    applies: fn(&str) -> bool,
    path: &'static [&'static str],
    shape: Shape,
}

fn any_kind(_: &str) -> bool {
    true
}

fn is_service(kind: &str) -> bool {
    kind == "process.service"
}

fn is_lua(kind: &str) -> bool {
    super::LuaKind::from_kind(kind).is_some()
}

fn is_http(kind: &str) -> bool {
    kind.starts_with("http.")
}

fn is_endpoint(kind: &str) -> bool {
    kind == "http.endpoint"
}

fn is_env_variable(kind: &str) -> bool {
    kind == "env.variable"
}

fn is_env_router(kind: &str) -> bool {
    kind == "env.storage.router"
}

/// Data fields that hold references, and the kinds they do so in.
const REF_FIELDS: &[RefField] = &[
    RefField {
        applies: any_kind,
        path: &["requires"],
        shape: Shape::List,
    },
    RefField {
        applies: any_kind,
        path: &["depends_on"],
        shape: Shape::List,
    },
    RefField {
        applies: any_kind,
        path: &["lifecycle", "requires"],
        shape: Shape::List,
    },
    RefField {
        applies: any_kind,
        path: &["lifecycle", "depends_on"],
        shape: Shape::List,
    },
    RefField {
        applies: is_service,
        path: &["process"],
        shape: Shape::One,
    },
    RefField {
        applies: is_service,
        path: &["host"],
        shape: Shape::One,
    },
    RefField {
        applies: is_lua,
        path: &["imports"],
        shape: Shape::Values,
    },
    RefField {
        applies: is_endpoint,
        path: &["func"],
        shape: Shape::One,
    },
    RefField {
        applies: is_env_variable,
        path: &["storage"],
        shape: Shape::One,
    },
    RefField {
        applies: is_env_router,
        path: &["storages"],
        shape: Shape::List,
    },
];

/// Meta fields that hold references (`meta.server` of a router, `meta.router` of an endpoint).
const META_REF_FIELDS: &[RefField] = &[
    RefField {
        applies: is_http,
        path: &["server"],
        shape: Shape::One,
    },
    RefField {
        applies: is_http,
        path: &["router"],
        shape: Shape::One,
    },
];

fn normalize(
    ctx: &mut Ctx<'_>,
    namespace: &str,
    root: &mut Node,
    rf: &RefField,
    prefix: &str,
    out: &mut Vec<Reference>,
) {
    let mut node = root;
    for key in rf.path {
        match node.get_mut(key) {
            Some(n) => node = n,
            None => return,
        }
    }
    let mut field = prefix.to_owned();
    for key in rf.path {
        field = join(&field, key);
    }
    let field = field.as_str();
    match (rf.shape, &mut node.value) {
        (_, Value::Null) => {}
        (Shape::One, Value::Str(_)) => normalize_one(ctx, namespace, node, field, out),
        (Shape::One, _) => ctx.wrong_type(node, field, "an entry id string"),
        (Shape::List, Value::Seq(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                normalize_one(ctx, namespace, item, &format!("{field}[{i}]"), out);
            }
        }
        (Shape::List, _) => ctx.wrong_type(node, field, "a list of entry id strings"),
        (Shape::Values, Value::Map(pairs)) => {
            for (key, item) in pairs.iter_mut() {
                normalize_one(ctx, namespace, item, &join(field, &key_name(key)), out);
            }
        }
        (Shape::Values, _) => ctx.wrong_type(node, field, "a map of names to entry ids"),
    }
}

fn normalize_one(
    ctx: &mut Ctx<'_>,
    namespace: &str,
    node: &mut Node,
    field: &str,
    out: &mut Vec<Reference>,
) {
    let Value::Str(s) = &mut node.value else {
        ctx.wrong_type(node, field, "an entry id string");
        return;
    };
    match EntryId::with_default_ns(s, namespace) {
        Ok(id) => {
            *s = id.to_string();
            out.push(Reference {
                field: field.to_owned(),
                target: id,
                line: node.line,
            });
        }
        Err(e) => {
            let found = s.clone();
            ctx.invalid(
                node.line,
                field,
                format!("an entry id such as ns:name ({e})"),
                found,
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Payload conversion

/// A node as payload, ignoring `file://` (for `meta`).
fn node_to_map(node: &Node) -> Map {
    match node.to_payload() {
        Payload::Map(m) => Arc::unwrap_or_clone(m),
        _ => Map::new(),
    }
}

/// Where `file://target` points, for a definition file in `base_dir` under `root`: a
/// path starting with `/` starts at `root`, any other at `base_dir`. `.` and `..` are
/// resolved by name, as the original's `filepath.Clean`; `None` when the path climbs
/// above `root` or names `root` itself.
fn include_path(root: &Path, base_dir: &Path, target: &str) -> Option<PathBuf> {
    use std::path::Component;
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    let (start, rest) = match target.strip_prefix('/') {
        Some(rest) => (None, rest),
        None => (base_dir.strip_prefix(root).ok(), target),
    };
    let components = start
        .into_iter()
        .flat_map(Path::components)
        .chain(Path::new(rest).components());
    for component in components {
        match component {
            Component::Normal(name) => parts.push(name),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    if parts.is_empty() {
        return None;
    }
    let mut path = root.to_path_buf();
    path.extend(parts);
    Some(path)
}

enum Seg<'a> {
    Key(&'a MapKey),
    Index(usize),
}

struct Converter<'c, 'e, 'a, 'r> {
    ctx: &'c mut Ctx<'e>,
    base_dir: &'c Path,
    root: &'c Path,
    reader: Option<Reader<'a, 'r>>,
    field: Vec<Seg<'c>>,
}

impl<'c> Converter<'c, '_, '_, '_> {
    fn convert(&mut self, node: &'c Node) -> Payload {
        match &node.value {
            Value::Null => Payload::Nil,
            Value::Bool(b) => Payload::Bool(*b),
            Value::Int(i) => Payload::Int(*i),
            Value::Float(f) => Payload::Float(*f),
            Value::Str(s) => match s.strip_prefix(FILE_SCHEME) {
                Some(target) => self.include(node.line, s, target),
                None => Payload::from(s.as_str()),
            },
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    self.field.push(Seg::Index(i));
                    out.push(self.convert(item));
                    self.field.pop();
                }
                Payload::from(out)
            }
            Value::Map(pairs) => {
                let mut map = Map::new();
                for (k, v) in pairs {
                    self.field.push(Seg::Key(k));
                    let value = self.convert(v);
                    self.field.pop();
                    map.insert(k.clone(), value);
                }
                Payload::from(map)
            }
        }
    }

    fn field_name(&self) -> String {
        let mut out = String::new();
        for seg in &self.field {
            match seg {
                Seg::Key(k) => out = join(&out, &key_name(k)),
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    fn include(&mut self, line: usize, value: &str, target: &str) -> Payload {
        let field = self.field_name();
        if target.is_empty() {
            self.ctx
                .invalid(line, &field, "a file path after file://", value.to_owned());
            return Payload::from(value);
        }
        let Some(path) = include_path(self.root, self.base_dir, target) else {
            self.ctx.error(
                line,
                &field,
                LoadErrorKind::IncludeOutsideRoot {
                    target: target.to_owned(),
                    root: self.root.to_path_buf(),
                },
            );
            return Payload::from(value);
        };
        let content = match self.reader.as_mut() {
            None => None,
            Some(read) => match read(&path) {
                Ok(bytes) => Some(bytes),
                Err(e) => {
                    self.ctx.error(
                        line,
                        &field,
                        LoadErrorKind::MissingInclude {
                            target: path.clone(),
                            source: Arc::new(e),
                        },
                    );
                    None
                }
            },
        };
        let payload = content
            .clone()
            .map_or_else(|| Payload::from(value), Payload::from);
        self.ctx.includes.push(FileInclude {
            field,
            path,
            content,
        });
        payload
    }
}

// ---------------------------------------------------------------------------------------
// Error context

/// Where errors go while one file is read, and what they name.
pub(crate) struct Ctx<'a> {
    path: &'a Path,
    entry: Option<String>,
    pub(crate) errors: &'a mut Vec<LoadError>,
    /// `file://` values of the entry being read.
    includes: Vec<FileInclude>,
}

impl<'a> Ctx<'a> {
    /// A context for errors about `path` that are not about one entry.
    pub(crate) fn for_file(path: &'a Path, errors: &'a mut Vec<LoadError>) -> Ctx<'a> {
        Ctx {
            path,
            entry: None,
            errors,
            includes: Vec::new(),
        }
    }

    pub(crate) fn error(&mut self, line: usize, field: &str, kind: LoadErrorKind) {
        self.errors.push(
            LoadError::new(self.path, Some(line), kind)
                .with_entry(self.entry.clone())
                .with_field(field),
        );
    }

    pub(crate) fn wrong_type(
        &mut self,
        node: &Node,
        field: &str,
        expected: impl Into<Cow<'static, str>>,
    ) {
        let kind = LoadErrorKind::WrongType {
            expected: expected.into(),
            found: node.type_name(),
        };
        self.error(node.line, field, kind);
    }

    /// Reports every key of the map `node` (the block `prefix`) that is not in `known`.
    pub(crate) fn unknown_fields(
        &mut self,
        node: &Node,
        prefix: &str,
        known: &'static [&'static str],
    ) {
        for (key, value) in node.as_map().unwrap_or(&[]) {
            let name = match key.as_str() {
                Some(name) if known.contains(&name) => continue,
                Some(name) => name.to_owned(),
                None => format!("{key:?}"),
            };
            self.error(
                value.line,
                &format!("{prefix}.{name}"),
                LoadErrorKind::UnknownField { known },
            );
        }
    }

    pub(crate) fn invalid(
        &mut self,
        line: usize,
        field: &str,
        expected: impl Into<Cow<'static, str>>,
        found: String,
    ) {
        self.error(
            line,
            field,
            LoadErrorKind::InvalidValue {
                expected: expected.into(),
                found,
            },
        );
    }

    pub(crate) fn missing(
        &mut self,
        line: usize,
        field: &str,
        expected: impl Into<Cow<'static, str>>,
    ) {
        self.error(
            line,
            field,
            LoadErrorKind::MissingField {
                expected: expected.into(),
            },
        );
    }

    /// The file and contents of the `file://` value in `field`, if there is one.
    pub(crate) fn include_for(&self, field: &str) -> Option<(PathBuf, Option<Bytes>)> {
        self.includes
            .iter()
            .find(|inc| inc.field == field)
            .map(|inc| (inc.path.clone(), inc.content.clone()))
    }
}

/// A key as it appears in a field path: strings bare, other keys as printed.
fn key_name(key: &MapKey) -> String {
    key.as_str().map_or_else(|| key.to_string(), str::to_owned)
}

/// `prefix.key`, or `key` when there is no prefix.
pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}
