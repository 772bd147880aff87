//! Compiling registry entries once per run: the annotated source is stripped of type
//! annotations, compiled in a scratch VM and kept as bytecode (with line information,
//! so errors name the right line); every process of the entry loads that bytecode.

use crate::dialect::strip_annotations;
use mlua::{Lua, StdLib};
use parking_lot::Mutex;
use rustc_hash::FxHashMap;
use std::sync::Arc;
use wippy_runtime::payload::{ErrorKind, ErrorValue};
use wippy_runtime::registry::{Entry, EntryConfig, EntryId, LuaSource, Registry};

/// One Lua entry, ready to run.
#[derive(Debug)]
pub struct CompiledEntry {
    /// The entry id.
    pub id: EntryId,
    /// The chunk name errors use (the source file, or the entry id for inline code).
    pub chunk_name: String,
    /// Bytecode with debug information.
    pub bytecode: Vec<u8>,
    /// The exported function to call (`method:`), when the entry names one (without it, or
    /// with an empty one, a process calls `main`).
    pub method: Option<String>,
    /// `modules:`: what `require` may load.
    pub modules: Vec<String>,
    /// `imports:`: alias → library entry.
    pub imports: Vec<(String, EntryId)>,
    /// The chunk's top level can neither fail nor wait ([`crate::boot_check`]): a process
    /// of the entry has booted as soon as it is spawned, and its spawner does not wait.
    pub(crate) boots_at_once: bool,
    /// The name `lua_load` takes: `@` and the chunk name, NUL-terminated.
    pub(crate) load_name: Box<[u8]>,
    /// Names this compiled form for the VMs' chunk caches (never reused in a run).
    pub(crate) cache_id: u64,
    /// The [revision](Entry::revision) of the entry compiled: a registry change that
    /// updates the entry (or deletes and creates it again) makes a new one.
    revision: u64,
}

/// The next [`CompiledEntry::cache_id`].
static NEXT_CACHE_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Bytecode cache for the Lua entries of one runtime: an entry is compiled on first use,
/// and again when the registry has changed it (its revision differs).
#[derive(Debug, Default)]
pub struct Compiler {
    cache: Mutex<FxHashMap<EntryId, Arc<CompiledEntry>>>,
}

fn invalid(entry: &Entry, message: impl std::fmt::Display) -> ErrorValue {
    ErrorValue::new(
        ErrorKind::Invalid,
        format!(
            "{}:{}: entry {}: {message}",
            entry.location().path().display(),
            entry.location().line(),
            entry.id()
        ),
    )
}

impl Compiler {
    /// The compiled form of `entry`, compiling it on first use (and after a registry
    /// change replaced the entry).
    ///
    /// # Errors
    ///
    /// Not a Lua entry, no source, annotation or syntax errors (with file and line).
    pub fn get(&self, entry: &Entry) -> Result<Arc<CompiledEntry>, ErrorValue> {
        if let Some(compiled) = self.cache.lock().get(entry.id()) {
            if compiled.revision == entry.revision() {
                return Ok(compiled.clone());
            }
        }
        let compiled = Arc::new(compile(entry)?);
        self.cache
            .lock()
            .insert(entry.id().clone(), compiled.clone());
        Ok(compiled)
    }

    /// Compiles every Lua entry of `registry` now, collecting all errors.
    ///
    /// # Errors
    ///
    /// One error value per entry that does not compile.
    pub fn precompile(&self, registry: &Registry) -> Result<(), Vec<ErrorValue>> {
        let errors: Vec<ErrorValue> = registry
            .iter()
            .filter(|e| matches!(e.config(), EntryConfig::Lua(_)))
            .filter_map(|e| self.get(e).err())
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// `text` without what `luaL_loadfile` skips at the start of a file: a UTF-8 byte-order
/// mark, and a first line starting with `#` (a `#!` line), whose line break stays, so
/// that line numbers do not move.
fn without_file_header(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.starts_with('#') {
        let rest = text.find('\n').map_or("", |at| &text[at..]);
        return std::borrow::Cow::Owned(rest.to_owned());
    }
    std::borrow::Cow::Borrowed(text)
}

fn compile(entry: &Entry) -> Result<CompiledEntry, ErrorValue> {
    let EntryConfig::Lua(config) = entry.config() else {
        return Err(invalid(
            entry,
            format_args!("kind {} is not a Lua entry", entry.kind()),
        ));
    };
    if config.bytecode {
        return Err(invalid(
            entry,
            "precompiled bytecode entries (.bc kinds) are not supported",
        ));
    }
    let (code, chunk_name) = match &config.source {
        LuaSource::Inline(code) => (code.clone(), entry.id().to_string()),
        LuaSource::File { path, content } => match content {
            Some(code) => (code.clone(), path.display().to_string()),
            None => {
                return Err(invalid(
                    entry,
                    format_args!("source file {} was not read", path.display()),
                ));
            }
        },
        _ => return Err(invalid(entry, "unsupported source form")),
    };
    let text = std::str::from_utf8(&code).map_err(|e| {
        let line = 1 + code[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
        invalid(
            entry,
            format_args!(
                "{chunk_name}:{line}: the source is not UTF-8 (byte {} of the file); write bytes past ASCII in strings as escapes (\"\\xff\")",
                e.valid_up_to()
            ),
        )
    })?;
    let text = without_file_header(text);
    // Which entry, and for inline code, where its definition is (the chunk name is then
    // the entry id, whose lines count from the start of the `source:` text).
    let whose = match &config.source {
        LuaSource::Inline(_) => format!(
            "entry {}, inline source of the entry at {}:{}",
            entry.id(),
            entry.location().path().display(),
            entry.location().line()
        ),
        _ => format!("entry {}", entry.id()),
    };
    let stripped = strip_annotations(&text).map_err(|e| {
        ErrorValue::new(
            ErrorKind::Invalid,
            format!("{chunk_name}:{}: {} ({whose})", e.line, e.message),
        )
    })?;
    let lua = Lua::new_with(StdLib::NONE, mlua::LuaOptions::new())
        .map_err(|e| ErrorValue::new(ErrorKind::Internal, e.to_string()))?;
    let function = lua
        .load(&*stripped)
        .set_name(format!("@{chunk_name}"))
        .into_function()
        .map_err(|e| {
            let text = match &e {
                mlua::Error::SyntaxError { message, .. } => message.clone(),
                // The parser's recursion ran out of levels: Lua says so without a
                // position, so find where the source nests that deep.
                mlua::Error::RuntimeError(message) if message.contains("C stack overflow") => {
                    let (line, depth) = crate::dialect::deepest_nesting(&stripped);
                    format!(
                        "{chunk_name}:{line}: syntax error: nesting too deep ({depth} levels of brackets and blocks here; Lua's parser stops at about 200)"
                    )
                }
                other => other.to_string(),
            };
            ErrorValue::new(ErrorKind::Invalid, format!("{text} ({whose})"))
        })?;
    let load_name = format!("@{chunk_name}\0").into_bytes().into_boxed_slice();
    // `method: ""` is no method, as in the original's process factory.
    let method = config.method.clone().filter(|m| !m.is_empty());
    let boots_at_once = crate::boot_check::boots_at_once(
        &function.dump(true),
        &crate::boot_check::Rules {
            method: method.as_deref().unwrap_or("main"),
            require_cannot_fail: &|name| {
                crate::vm::setup::require_cannot_fail(&config.modules, &config.imports, name)
            },
            global_read_cannot_fail: &|name| {
                crate::vm::setup::global_read_cannot_fail(&config.modules, &config.imports, name)
            },
        },
    );
    Ok(CompiledEntry {
        id: entry.id().clone(),
        revision: entry.revision(),
        load_name,
        cache_id: NEXT_CACHE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        chunk_name,
        bytecode: function.dump(false),
        method,
        modules: config.modules.clone(),
        imports: config.imports.clone(),
        boots_at_once,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tutorial's scripts boot at once: their spawner never waits for them.
    #[test]
    fn the_echo_tutorials_scripts_boot_at_once() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/echo-service/src");
        let registry = Registry::load_dir(&dir).expect("the tutorial loads");
        let compiler = Compiler::default();
        let mut checked = 0;
        for entry in registry
            .iter()
            .filter(|e| matches!(e.config(), EntryConfig::Lua(_)))
        {
            let compiled = compiler.get(entry).expect("the tutorial compiles");
            assert!(compiled.boots_at_once, "{} waits for its boot", compiled.id);
            checked += 1;
        }
        assert_eq!(checked, 3);
    }
}
