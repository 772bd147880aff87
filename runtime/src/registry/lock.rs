//! `wippy.lock`: where an application's definitions are (reference §2.5).
//!
//! ```yaml
//! directories: {modules: .wippy, src: ./src}
//! modules:      # optional
//!   - {name: org/mod, version: v1.2.0, hash: sha256..., local_hash: ...}
//! replacements: # optional
//!   - {from: org/mod, to: ./local/path}
//! options: {unpack_modules: bool}
//! ```
//!
//! Relative directories are relative to the lock file's directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::{LoadError, LoadErrorKind, LoadErrors};
use super::parse::Ctx;
use super::yaml::{self, Node, Value};

/// The lock file's name.
pub const LOCK_FILE_NAME: &str = "wippy.lock";

/// A parsed `wippy.lock`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockFile {
    /// `directories`.
    pub directories: Directories,
    /// `modules`: installed modules, in file order.
    pub modules: Vec<LockedModule>,
    /// `replacements`: modules taken from a local path instead.
    pub replacements: Vec<Replacement>,
    /// `options.unpack_modules`.
    pub unpack_modules: bool,
}

/// The `directories` block, as written (not yet resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Directories {
    /// The application's definitions, default `./src`.
    pub src: PathBuf,
    /// Installed modules, default `.wippy`.
    pub modules: PathBuf,
}

impl Default for Directories {
    fn default() -> Directories {
        Directories {
            src: PathBuf::from("./src"),
            modules: PathBuf::from(".wippy"),
        }
    }
}

/// One installed module.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockedModule {
    /// `org/name`.
    pub name: String,
    /// The version, e.g. `v1.2.0`.
    pub version: String,
    /// Hash of the published module.
    pub hash: Option<String>,
    /// Hash of the unpacked copy.
    pub local_hash: Option<String>,
}

/// A module replaced by a local directory.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Replacement {
    /// The module, `org/name`.
    pub from: String,
    /// The directory used instead.
    pub to: PathBuf,
}

impl Default for LockFile {
    /// What `wippy init` writes: the default `directories` and nothing else.
    fn default() -> LockFile {
        LockFile {
            directories: Directories::default(),
            modules: Vec::new(),
            replacements: Vec::new(),
            unpack_modules: false,
        }
    }
}

impl LockFile {
    /// `dir/wippy.lock`, if that file exists.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        let path = dir.join(LOCK_FILE_NAME);
        path.is_file().then_some(path)
    }

    /// Finds and reads `dir/wippy.lock`; `Ok(None)` when there is none.
    ///
    /// # Errors
    ///
    /// As [`LockFile::read`].
    pub fn find_and_read(dir: &Path) -> Result<Option<(PathBuf, LockFile)>, LoadErrors> {
        match LockFile::find(dir) {
            None => Ok(None),
            Some(path) => LockFile::read(&path).map(|lock| Some((path, lock))),
        }
    }

    /// Reads and parses a lock file.
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not YAML, or has fields of the wrong type.
    pub fn read(path: &Path) -> Result<LockFile, LoadErrors> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let kind = if e.kind() == std::io::ErrorKind::InvalidData {
                LoadErrorKind::NotUtf8(0)
            } else {
                LoadErrorKind::Io(Arc::new(e))
            };
            LoadErrors::one(LoadError::new(path, None, kind))
        })?;
        LockFile::parse(path, &text)
    }

    /// Parses a lock file's text; `path` is for messages. Missing blocks take their defaults.
    ///
    /// # Errors
    ///
    /// YAML syntax, or fields of the wrong type (every one found).
    pub fn parse(path: &Path, text: &str) -> Result<LockFile, LoadErrors> {
        let mut errors = Vec::new();
        let mut lock = LockFile::default();
        let root = match yaml::parse(text) {
            Ok(root) => root,
            Err(e) => {
                let kind = if e.unsupported {
                    LoadErrorKind::Unsupported(e.message)
                } else {
                    LoadErrorKind::Syntax(e.message)
                };
                return Err(LoadErrors::one(LoadError::new(path, Some(e.line), kind)));
            }
        };
        let mut ctx = Ctx::for_file(path, &mut errors);
        match root.as_ref().map(|n| (n, &n.value)) {
            None | Some((_, Value::Null)) => {}
            Some((root, Value::Map(_))) => {
                if let Some(dirs) = map_field(&mut ctx, root, "directories") {
                    if let Some(src) = string_field(&mut ctx, dirs, "directories", "src") {
                        lock.directories.src = src.into();
                    }
                    if let Some(m) = string_field(&mut ctx, dirs, "directories", "modules") {
                        lock.directories.modules = m.into();
                    }
                }
                for (i, item) in list_field(&mut ctx, root, "modules").iter().enumerate() {
                    let prefix = format!("modules[{i}]");
                    if !matches!(item.value, Value::Map(_)) {
                        ctx.wrong_type(item, &prefix, "a map with name and version");
                        continue;
                    }
                    let name = required_string(&mut ctx, item, &prefix, "name");
                    let version = required_string(&mut ctx, item, &prefix, "version");
                    let hash = string_field(&mut ctx, item, &prefix, "hash");
                    let local_hash = string_field(&mut ctx, item, &prefix, "local_hash");
                    if let (Some(name), Some(version)) = (name, version) {
                        lock.modules.push(LockedModule {
                            name,
                            version,
                            hash,
                            local_hash,
                        });
                    }
                }
                for (i, item) in list_field(&mut ctx, root, "replacements")
                    .iter()
                    .enumerate()
                {
                    let prefix = format!("replacements[{i}]");
                    if !matches!(item.value, Value::Map(_)) {
                        ctx.wrong_type(item, &prefix, "a map with from and to");
                        continue;
                    }
                    let from = required_string(&mut ctx, item, &prefix, "from");
                    let to = required_string(&mut ctx, item, &prefix, "to");
                    if let (Some(from), Some(to)) = (from, to) {
                        lock.replacements.push(Replacement {
                            from,
                            to: to.into(),
                        });
                    }
                }
                if let Some(options) = map_field(&mut ctx, root, "options") {
                    if let Some(n) = options
                        .get("unpack_modules")
                        .filter(|n| !matches!(n.value, Value::Null))
                    {
                        match n.value {
                            Value::Bool(b) => lock.unpack_modules = b,
                            _ => ctx.wrong_type(n, "options.unpack_modules", "a boolean"),
                        }
                    }
                }
            }
            Some((root, _)) => ctx.wrong_type(root, "", "a map with a directories block"),
        }
        LoadErrors::from_vec(errors).map_or(Ok(lock), Err)
    }

    /// The lock file's text: what [`parse`](Self::parse) reads back as `self`. Every
    /// string is written double-quoted, so any text survives.
    ///
    /// # Errors
    ///
    /// A directory or replacement path that is not valid UTF-8 (YAML text cannot hold
    /// it), naming the field.
    pub fn to_yaml(&self) -> Result<String, String> {
        let path = |p: &Path, field: &str| {
            p.to_str()
                .map(quoted)
                .ok_or_else(|| format!("{field} is not valid UTF-8: {}", p.display()))
        };
        let mut out = format!(
            "directories:\n  modules: {}\n  src: {}\n",
            path(&self.directories.modules, "directories.modules")?,
            path(&self.directories.src, "directories.src")?
        );
        if !self.modules.is_empty() {
            out.push_str("modules:\n");
            for m in &self.modules {
                out.push_str(&format!(
                    "  - name: {}\n    version: {}\n",
                    quoted(&m.name),
                    quoted(&m.version)
                ));
                if let Some(hash) = &m.hash {
                    out.push_str(&format!("    hash: {}\n", quoted(hash)));
                }
                if let Some(hash) = &m.local_hash {
                    out.push_str(&format!("    local_hash: {}\n", quoted(hash)));
                }
            }
        }
        if !self.replacements.is_empty() {
            out.push_str("replacements:\n");
            for (i, r) in self.replacements.iter().enumerate() {
                out.push_str(&format!(
                    "  - from: {}\n    to: {}\n",
                    quoted(&r.from),
                    path(&r.to, &format!("replacements[{i}].to"))?
                ));
            }
        }
        if self.unpack_modules {
            out.push_str("options:\n  unpack_modules: true\n");
        }
        Ok(out)
    }

    /// `directories.src`, resolved against `base` (the lock file's directory).
    pub fn src_dir(&self, base: &Path) -> PathBuf {
        joined(base, &self.directories.src)
    }

    /// `directories.modules`, resolved against `base` (the lock file's directory).
    pub fn modules_dir(&self, base: &Path) -> PathBuf {
        joined(base, &self.directories.modules)
    }
}

/// `text` as a YAML scalar: plain when it reads back as that same string (paths,
/// module names, versions and hashes usually do, as the original writes them), else
/// double-quoted.
fn quoted(text: &str) -> String {
    let mut chars = text.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '.' || c == '/')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_./@+-".contains(c))
        && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
            .iter()
            .any(|word| text.eq_ignore_ascii_case(word))
        && !matches!(text, "." | "..");
    if plain {
        return text.to_owned();
    }
    double_quoted(text)
}

/// `text` as a YAML double-quoted scalar.
fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `base` joined with `path`, without its `.` components (`./src` is written as it is in
/// the lock file, but error messages read better as `app/src/x.yaml`).
fn joined(base: &Path, path: &Path) -> PathBuf {
    base.join(path)
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

fn map_field<'n>(ctx: &mut Ctx<'_>, node: &'n Node, key: &str) -> Option<&'n Node> {
    let n = node.get(key).filter(|n| !matches!(n.value, Value::Null))?;
    if matches!(n.value, Value::Map(_)) {
        Some(n)
    } else {
        ctx.wrong_type(n, key, "a map");
        None
    }
}

fn list_field<'n>(ctx: &mut Ctx<'_>, node: &'n Node, key: &str) -> &'n [Node] {
    match node.get(key).map(|n| (n, &n.value)) {
        None | Some((_, Value::Null)) => &[],
        Some((_, Value::Seq(items))) => items,
        Some((n, _)) => {
            ctx.wrong_type(n, key, "a list");
            &[]
        }
    }
}

fn string_field(ctx: &mut Ctx<'_>, node: &Node, prefix: &str, key: &str) -> Option<String> {
    let n = node.get(key).filter(|n| !matches!(n.value, Value::Null))?;
    match n.as_str() {
        Some(s) => Some(s.to_owned()),
        None => {
            ctx.wrong_type(n, &format!("{prefix}.{key}"), "a string");
            None
        }
    }
}

fn required_string(ctx: &mut Ctx<'_>, node: &Node, prefix: &str, key: &str) -> Option<String> {
    if node.get(key).is_none_or(|n| matches!(n.value, Value::Null)) {
        ctx.missing(node.line, &format!("{prefix}.{key}"), "a string");
        return None;
    }
    string_field(ctx, node, prefix, key)
}
