//! Typed views of the entry kinds the runtime acts on (reference §2.2–2.4).
//!
//! Each view is read from the entry's fields when the file is parsed, so a wrong field is a
//! load error with a line, not a surprise at start-up. Fields the view does not know stay in
//! [`Entry::data`](super::Entry::data). Zero durations and a zero backoff factor or jitter
//! mean "default", as in the original's `InitDefaults`.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;

use super::EntryId;
use super::duration::{parse_duration, seconds};
use super::parse::{Ctx, join};
use super::yaml::{Node, Value};
use crate::payload::{Map, Payload};

/// The typed view of an entry, by kind.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EntryConfig {
    /// `process.host`: a scheduler that runs processes.
    ProcessHost(ProcessHost),
    /// `terminal.host`: runs exactly one process with the terminal attached.
    TerminalHost(TerminalHost),
    /// `process.service`: a supervised process.
    ProcessService(ProcessService),
    /// `function.lua`, `process.lua`, `workflow.lua`, `library.lua`, `module.lua` and their
    /// `.bc` variants.
    Lua(LuaConfig),
    /// `ns.dependency`: a module this namespace depends on.
    NsDependency(NsDependency),
    /// `ns.definition`: namespace-level metadata; its fields stay data.
    NsDefinition,
    /// `registry.entry`: arbitrary data, found through its meta; its fields stay data.
    RegistryEntry,
    /// `env.storage.memory`, `.os`, `.static`, `.file` or `.router`: where environment
    /// variables are kept.
    EnvStorage(super::env_kinds::EnvStorage),
    /// `env.variable`: a variable and its storage.
    EnvVariable(super::env_kinds::EnvVariable),
    /// Any other kind; its fields stay data.
    Other,
}

/// `process.host` settings (the `host:` block; R `api/service/host/config.go`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProcessHost {
    /// Worker threads; `None` means one per CPU.
    pub workers: Option<NonZeroUsize>,
    /// Initial capacity of the global run queue (it grows).
    pub queue_size: usize,
    /// Capacity of each worker's local queue.
    pub local_queue_size: usize,
}

impl ProcessHost {
    /// Default `queue_size`.
    pub const DEFAULT_QUEUE_SIZE: usize = 1024;
    /// Default `local_queue_size`.
    pub const DEFAULT_LOCAL_QUEUE_SIZE: usize = 256;

    /// `workers`, or the number of CPUs when it is not set.
    pub fn workers_or_default(&self) -> usize {
        self.workers.map_or_else(
            || std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
            NonZeroUsize::get,
        )
    }
}

impl Default for ProcessHost {
    fn default() -> ProcessHost {
        ProcessHost {
            workers: None,
            queue_size: ProcessHost::DEFAULT_QUEUE_SIZE,
            local_queue_size: ProcessHost::DEFAULT_LOCAL_QUEUE_SIZE,
        }
    }
}

/// `terminal.host` settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TerminalHost {
    /// Whether console logs are hidden.
    pub hide_logs: bool,
}

/// `process.service` settings (R `api/service/supervisor/config.go`); the lifecycle is
/// [`Entry::lifecycle`](super::Entry::lifecycle).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ProcessService {
    /// The process entry to run.
    pub process: EntryId,
    /// The host to run it on.
    pub host: EntryId,
    /// Arguments passed to the process's entry function.
    pub input: Vec<Payload>,
}

/// Which Lua entry kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LuaKind {
    /// `function.lua`: called through function pools.
    Function,
    /// `process.lua`: spawned as a process.
    Process,
    /// `workflow.lua`.
    Workflow,
    /// `library.lua`: loaded by `require` through `imports`.
    Library,
    /// `module.lua`.
    Module,
}

impl LuaKind {
    /// The kind for a kind string, with whether it is a `.bc` (bytecode) variant.
    pub fn from_kind(kind: &str) -> Option<(LuaKind, bool)> {
        let (base, bytecode) = match kind.strip_suffix(".bc") {
            Some(base) => (base, true),
            None => (kind, false),
        };
        let lua = match base {
            "function.lua" => LuaKind::Function,
            "process.lua" => LuaKind::Process,
            "workflow.lua" => LuaKind::Workflow,
            "library.lua" => LuaKind::Library,
            "module.lua" => LuaKind::Module,
            _ => return None,
        };
        Some((lua, bytecode))
    }
}

/// Where a Lua entry's code comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LuaSource {
    /// The code is written in the definition file.
    Inline(Bytes),
    /// `file://name`, relative to the definition file.
    File {
        /// The file, resolved against the definition file's directory.
        path: PathBuf,
        /// Its contents, once read (`None` from [`parse_file`](super::parse_file)).
        content: Option<Bytes>,
    },
}

impl LuaSource {
    /// The code, when known.
    pub fn code(&self) -> Option<&Bytes> {
        match self {
            LuaSource::Inline(code) => Some(code),
            LuaSource::File { content, .. } => content.as_ref(),
        }
    }
}

/// Settings shared by the Lua entry kinds (R `api/runtime/lua/config.go`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LuaConfig {
    /// Which Lua kind.
    pub kind: LuaKind,
    /// Whether this is the `.bc` (precompiled) variant.
    pub bytecode: bool,
    /// The code.
    pub source: LuaSource,
    /// The export to call (`main`, `handler`).
    pub method: Option<String>,
    /// Modules `require` may load.
    pub modules: Vec<String>,
    /// `require(alias)` loads the library entry, in file order.
    pub imports: Vec<(String, EntryId)>,
    /// `function.lua` pool settings, as data.
    pub pool: Option<Payload>,
}

/// `ns.dependency` settings.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NsDependency {
    /// The module, `org/name`.
    pub component: String,
    /// The version constraint.
    pub version: Option<String>,
    /// `parameters: [{name, value}]`, in order.
    pub parameters: Vec<(String, Payload)>,
}

/// How a failed start of an auto-started entry is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Startup {
    /// A failure fails the boot.
    #[default]
    Required,
    /// A failure is logged and the rest goes on.
    Optional,
}

/// Restart back-off of a supervised entry (reference §2.4 and decision 2).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RestartPolicy {
    /// Delay before the first restart.
    pub initial_delay: Duration,
    /// Upper bound of the delay.
    pub max_delay: Duration,
    /// Growth of the delay per attempt.
    pub backoff_factor: f64,
    /// Random spread of the delay, as a fraction (0.1 = ±10%).
    pub jitter: f64,
    /// Failed runs in a row before giving up (so at most this many runs); 0 = no limit.
    pub max_attempts: u32,
}

impl Default for RestartPolicy {
    fn default() -> RestartPolicy {
        RestartPolicy {
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(90),
            backoff_factor: 2.0,
            jitter: 0.1,
            max_attempts: 0,
        }
    }
}

/// The `lifecycle` block (R `api/supervisor/config.go`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Lifecycle {
    /// Start at boot.
    pub auto_start: bool,
    /// How long a start may take.
    pub start_timeout: Duration,
    /// How long a stop may take before the entry is terminated.
    pub stop_timeout: Duration,
    /// Uptime that resets the restart attempt counter.
    pub stable_threshold: Duration,
    /// Entries that must run first: `requires` then `depends_on`, without repeats.
    pub requires: Vec<EntryId>,
    /// Whether a failed start fails the boot.
    pub startup: Startup,
    /// Restart back-off.
    pub restart: RestartPolicy,
    /// The `security` block, as data.
    pub security: Option<Payload>,
}

impl Lifecycle {
    /// Default `start_timeout` and `stop_timeout`.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default `stable_threshold`.
    pub const DEFAULT_STABLE_THRESHOLD: Duration = Duration::from_secs(5);
}

impl Default for Lifecycle {
    fn default() -> Lifecycle {
        Lifecycle {
            auto_start: false,
            start_timeout: Lifecycle::DEFAULT_TIMEOUT,
            stop_timeout: Lifecycle::DEFAULT_TIMEOUT,
            stable_threshold: Lifecycle::DEFAULT_STABLE_THRESHOLD,
            requires: Vec::new(),
            startup: Startup::Required,
            restart: RestartPolicy::default(),
            security: None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading the views. `node` is the entry's data as a mapping node; `data` the same as
// payload (with `file://` values replaced), for fields kept as data.

/// The typed view for `kind`; `None` when a required field is missing or wrong (the error
/// is in `ctx`).
pub(crate) fn parse_config(
    ctx: &mut Ctx<'_>,
    kind: &str,
    node: &Node,
    data: &Map,
) -> Option<EntryConfig> {
    if let Some((lua, bytecode)) = LuaKind::from_kind(kind) {
        return parse_lua(ctx, lua, bytecode, node, data).map(EntryConfig::Lua);
    }
    Some(match kind {
        "process.host" => EntryConfig::ProcessHost(parse_process_host(ctx, node)),
        "terminal.host" => EntryConfig::TerminalHost(TerminalHost {
            hide_logs: get_bool(ctx, node, "", "hide_logs").unwrap_or(false),
        }),
        "process.service" => EntryConfig::ProcessService(parse_service(ctx, node, data)?),
        "ns.dependency" => EntryConfig::NsDependency(parse_dependency(ctx, node, data)?),
        "ns.definition" => EntryConfig::NsDefinition,
        "registry.entry" => EntryConfig::RegistryEntry,
        "env.variable" => EntryConfig::EnvVariable(super::env_kinds::parse_variable(ctx, node)?),
        _ if super::env_kinds::is_storage_kind(kind) => {
            EntryConfig::EnvStorage(super::env_kinds::parse_storage(ctx, kind, node)?)
        }
        _ => EntryConfig::Other,
    })
}

fn parse_process_host(ctx: &mut Ctx<'_>, node: &Node) -> ProcessHost {
    let mut host = ProcessHost::default();
    let Some(block) = get_map(ctx, node, "", "host") else {
        return host;
    };
    // 0 means the default, as in the original's host config (workers: the CPU count).
    host.workers = get_size(ctx, block, "host", "workers").and_then(|n| {
        if n > wippy_scheduler::MAX_WORKERS {
            if let Some(node) = non_null(block, "workers") {
                ctx.invalid(
                    node.line,
                    "host.workers",
                    format!("at most {} workers", wippy_scheduler::MAX_WORKERS),
                    n.to_string(),
                );
            }
            return None;
        }
        NonZeroUsize::new(n)
    });
    if let Some(n) = get_size(ctx, block, "host", "queue_size").filter(|&n| n > 0) {
        host.queue_size = n;
    }
    if let Some(n) = get_size(ctx, block, "host", "local_queue_size").filter(|&n| n > 0) {
        host.local_queue_size = n;
    }
    host
}

fn parse_service(ctx: &mut Ctx<'_>, node: &Node, data: &Map) -> Option<ProcessService> {
    const EXPECTED: &str = "an entry id string";
    let process = required_ref(ctx, node, "process", EXPECTED);
    let host = required_ref(ctx, node, "host", EXPECTED);
    if let (Some(h), Some(line)) = (&host, node.get("host").map(|n| n.line)) {
        if h.as_str() == "node:control" {
            ctx.invalid(
                line,
                "host",
                "a process host other than node:control",
                h.to_string(),
            );
        }
    }
    let input = match (node.get("input"), data.get("input")) {
        (
            None
            | Some(Node {
                value: Value::Null, ..
            }),
            _,
        ) => Vec::new(),
        (Some(n), Some(Payload::Array(items))) if matches!(n.value, Value::Seq(_)) => {
            items.to_vec()
        }
        (Some(n), _) => {
            ctx.wrong_type(n, "input", "a list of arguments");
            Vec::new()
        }
    };
    Some(ProcessService {
        process: process?,
        host: host?,
        input,
    })
}

/// A reference field the normaliser has already checked; only a missing one is reported here.
fn required_ref(
    ctx: &mut Ctx<'_>,
    node: &Node,
    field: &str,
    expected: &'static str,
) -> Option<EntryId> {
    match node.get(field) {
        None
        | Some(Node {
            value: Value::Null, ..
        }) => {
            ctx.missing(node.line, field, expected);
            None
        }
        Some(n) => n.as_str().and_then(|s| s.parse().ok()),
    }
}

fn parse_lua(
    ctx: &mut Ctx<'_>,
    kind: LuaKind,
    bytecode: bool,
    node: &Node,
    data: &Map,
) -> Option<LuaConfig> {
    let source = match node.get("source") {
        None
        | Some(Node {
            value: Value::Null, ..
        }) => {
            ctx.missing(node.line, "source", "Lua code or file://path");
            None
        }
        Some(n) => match (n.as_str(), data.get("source")) {
            (Some(s), _) if s.starts_with(super::parse::FILE_SCHEME) => {
                let include = ctx.include_for("source");
                include.map(|(path, content)| LuaSource::File { path, content })
            }
            // As the original's `Validate` of function and library entries ("source is
            // required"): an empty chunk has nothing to call or to `require`.
            (Some(""), _) if matches!(kind, LuaKind::Function | LuaKind::Library) => {
                ctx.invalid(
                    n.line,
                    "source",
                    "Lua code or file://path (source is required)",
                    String::new(),
                );
                None
            }
            (Some(_), Some(Payload::Str(code))) => Some(LuaSource::Inline(code.to_bytes())),
            _ => {
                ctx.wrong_type(n, "source", "Lua code or file://path (a string)");
                None
            }
        },
    };
    let method = get_string(ctx, node, "", "method");
    if kind == LuaKind::Function {
        check_function_settings(ctx, node);
    }
    let modules = get_string_list(ctx, node, "modules");
    check_module_names(ctx, node);
    let mut imports = Vec::new();
    if let Some(map) = get_map(ctx, node, "", "imports") {
        for (alias, target) in map.as_map().unwrap_or_default() {
            let target = target.as_str().and_then(|s| s.parse::<EntryId>().ok());
            if alias.as_str() == Some("") {
                // As the original (`import alias cannot be empty`): `require("")`
                // could never name it.
                ctx.invalid(
                    map.line,
                    "imports",
                    "aliases that are not empty",
                    "\"\"".to_owned(),
                );
            } else if let (Some(alias), Some(target)) = (alias.as_str(), target) {
                imports.push((alias.to_owned(), target));
            } else if alias.as_str().is_none() {
                ctx.invalid(
                    map.line,
                    "imports",
                    "aliases that are strings",
                    alias.to_string(),
                );
            }
        }
    }
    let pool = data.get("pool").filter(|p| !p.is_nil()).cloned();
    Some(LuaConfig {
        kind,
        bytecode,
        source: source?,
        method,
        modules,
        imports,
        pool,
    })
}

/// What the original's `FunctionConfig.Validate` asks of a `function.lua` entry beyond
/// the fields every Lua entry has: a `method` to call, and a pool with a size unless it
/// is a flex pool (no `workers`, and no `size` or a `max_size`).
fn check_function_settings(ctx: &mut Ctx<'_>, node: &Node) {
    let method = node.get("method");
    if method.is_none_or(|m| m.value == Value::Null || m.as_str() == Some("")) {
        ctx.missing(
            method.map_or(node.line, |m| m.line),
            "method",
            "the name of the function the entry exports (method is required)",
        );
    }
    let Some(pool) = node.get("pool").filter(|p| p.value != Value::Null) else {
        return;
    };
    if pool.as_map().is_none() {
        ctx.wrong_type(pool, "pool", "a map of pool settings");
        return;
    }
    let int = |key: &str| match pool.get(key).map(|n| &n.value) {
        Some(Value::Int(i)) => *i,
        _ => 0,
    };
    let (workers, size, max_size) = (int("workers"), int("size"), int("max_size"));
    let flex = workers == 0 && (size == 0 || max_size > 0);
    if !flex && size <= 0 {
        let line = pool.get("size").map_or(pool.line, |n| n.line);
        ctx.invalid(
            line,
            "pool.size",
            "a size above 0 for a pool with workers or without max_size (pool.size must be greater than 0 for non-flex pools)",
            size.to_string(),
        );
    }
}

fn parse_dependency(ctx: &mut Ctx<'_>, node: &Node, data: &Map) -> Option<NsDependency> {
    let component = get_string(ctx, node, "", "component");
    if component.is_none() && node.get("component").is_none() {
        ctx.missing(node.line, "component", "a module name such as org/module");
    }
    let version = get_string(ctx, node, "", "version");
    let mut parameters = Vec::new();
    if let (Some(list), Some(Payload::Array(values))) =
        (node.get("parameters"), data.get("parameters"))
    {
        match &list.value {
            Value::Seq(items) => {
                for (i, (item, value)) in items.iter().zip(values.iter()).enumerate() {
                    let field = format!("parameters[{i}]");
                    match item.get("name").and_then(Node::as_str) {
                        Some(name) => parameters.push((
                            name.to_owned(),
                            value.get("value").cloned().unwrap_or_default(),
                        )),
                        None => {
                            ctx.wrong_type(item, &field, "a map with a string `name` and a `value`")
                        }
                    }
                }
            }
            _ => ctx.wrong_type(list, "parameters", "a list of {name, value} maps"),
        }
    } else if let Some(list) = node
        .get("parameters")
        .filter(|n| !matches!(n.value, Value::Seq(_) | Value::Null))
    {
        ctx.wrong_type(list, "parameters", "a list of {name, value} maps");
    }
    Some(NsDependency {
        component: component?,
        version,
        parameters,
    })
}

/// Reads a `lifecycle` block. `data` is the lifecycle as payload (for `security`).
pub(crate) fn parse_lifecycle(ctx: &mut Ctx<'_>, node: &Node, data: Option<&Payload>) -> Lifecycle {
    const P: &str = "lifecycle";
    // The original's fields (R `api/supervisor/config.go`); any other key would be lost.
    ctx.unknown_fields(
        node,
        P,
        &[
            "auto_start",
            "start_timeout",
            "stop_timeout",
            "stable_threshold",
            "requires",
            "depends_on",
            "startup",
            "security",
            "restart",
        ],
    );
    let mut lc = Lifecycle::default();
    if let Some(b) = get_bool(ctx, node, P, "auto_start") {
        lc.auto_start = b;
    }
    let nonzero = |d: Duration| (!d.is_zero()).then_some(d);
    if let Some(d) = get_duration(ctx, node, P, "start_timeout").and_then(nonzero) {
        lc.start_timeout = d;
    }
    if let Some(d) = get_duration(ctx, node, P, "stop_timeout").and_then(nonzero) {
        lc.stop_timeout = d;
    }
    if let Some(d) = get_duration(ctx, node, P, "stable_threshold").and_then(nonzero) {
        lc.stable_threshold = d;
    }
    for key in ["requires", "depends_on"] {
        if let Some(Value::Seq(items)) = node.get(key).map(|n| &n.value) {
            for id in items
                .iter()
                .filter_map(Node::as_str)
                .filter_map(|s| s.parse::<EntryId>().ok())
            {
                if !lc.requires.contains(&id) {
                    lc.requires.push(id);
                }
            }
        }
    }
    if let Some(n) = non_null(node, "startup") {
        match n.as_str() {
            Some("required") => lc.startup = Startup::Required,
            Some("optional") => lc.startup = Startup::Optional,
            Some(other) => ctx.invalid(
                n.line,
                &join(P, "startup"),
                "\"required\" or \"optional\"",
                other.to_owned(),
            ),
            None => ctx.wrong_type(n, &join(P, "startup"), "\"required\" or \"optional\""),
        }
    }
    lc.security = data
        .and_then(|d| d.get("security"))
        .filter(|p| !p.is_nil())
        .cloned();
    if let Some(restart) = get_map(ctx, node, P, "restart") {
        const R: &str = "lifecycle.restart";
        ctx.unknown_fields(
            restart,
            R,
            &[
                "initial_delay",
                "max_delay",
                "backoff_factor",
                "jitter",
                "max_attempts",
            ],
        );
        let policy = &mut lc.restart;
        if let Some(d) = get_duration(ctx, restart, R, "initial_delay").and_then(nonzero) {
            policy.initial_delay = d;
        }
        if let Some(d) = get_duration(ctx, restart, R, "max_delay").and_then(nonzero) {
            policy.max_delay = d;
        }
        if let Some(f) = get_f64(ctx, restart, R, "backoff_factor").filter(|f| *f != 0.0) {
            if f.is_finite() && f >= 1.0 {
                policy.backoff_factor = f;
            } else {
                ctx.invalid(
                    restart.line,
                    &join(R, "backoff_factor"),
                    "a number of at least 1",
                    f.to_string(),
                );
            }
        }
        if let Some(f) = get_f64(ctx, restart, R, "jitter").filter(|f| *f != 0.0) {
            if (0.0..=1.0).contains(&f) {
                policy.jitter = f;
            } else {
                ctx.invalid(
                    restart.line,
                    &join(R, "jitter"),
                    "a fraction between 0 and 1",
                    f.to_string(),
                );
            }
        }
        if let Some(n) = non_null(restart, "max_attempts") {
            match n.value {
                Value::Int(i) => match u32::try_from(i) {
                    Ok(v) => policy.max_attempts = v,
                    Err(_) => ctx.invalid(
                        n.line,
                        &join(R, "max_attempts"),
                        "a count from 0 (0 = no limit)",
                        i.to_string(),
                    ),
                },
                _ => ctx.wrong_type(n, &join(R, "max_attempts"), "an integer"),
            }
        }
    }
    lc
}

// ---------------------------------------------------------------------------------------
// Field getters: a missing or null field is `None`; a wrong one is reported and `None`.

pub(super) fn non_null<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    node.get(key).filter(|n| !matches!(n.value, Value::Null))
}

pub(super) fn get_bool(ctx: &mut Ctx<'_>, node: &Node, prefix: &str, key: &str) -> Option<bool> {
    let n = non_null(node, key)?;
    match n.value {
        Value::Bool(b) => Some(b),
        _ => {
            ctx.wrong_type(n, &join(prefix, key), "a boolean (true or false)");
            None
        }
    }
}

pub(super) fn get_string(
    ctx: &mut Ctx<'_>,
    node: &Node,
    prefix: &str,
    key: &str,
) -> Option<String> {
    let n = non_null(node, key)?;
    match &n.value {
        Value::Str(s) => Some(s.clone()),
        _ => {
            ctx.wrong_type(n, &join(prefix, key), "a string");
            None
        }
    }
}

fn get_map<'n>(ctx: &mut Ctx<'_>, node: &'n Node, prefix: &str, key: &str) -> Option<&'n Node> {
    let n = non_null(node, key)?;
    match n.value {
        Value::Map(_) => Some(n),
        _ => {
            ctx.wrong_type(n, &join(prefix, key), "a map");
            None
        }
    }
}

fn get_f64(ctx: &mut Ctx<'_>, node: &Node, prefix: &str, key: &str) -> Option<f64> {
    let n = non_null(node, key)?;
    match n.value {
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) => Some(i as f64),
        Value::Float(f) => Some(f),
        _ => {
            ctx.wrong_type(n, &join(prefix, key), "a number");
            None
        }
    }
}

/// A size that may be 0 (which the caller reads as "the default").
fn get_size(ctx: &mut Ctx<'_>, node: &Node, prefix: &str, key: &str) -> Option<usize> {
    const EXPECTED: &str = "a whole number from 0 (0: the default)";
    let n = non_null(node, key)?;
    match n.value {
        Value::Int(i) => match usize::try_from(i) {
            Ok(v) => Some(v),
            Err(_) => {
                ctx.invalid(n.line, &join(prefix, key), EXPECTED, i.to_string());
                None
            }
        },
        _ => {
            ctx.wrong_type(n, &join(prefix, key), EXPECTED);
            None
        }
    }
}

fn get_duration(ctx: &mut Ctx<'_>, node: &Node, prefix: &str, key: &str) -> Option<Duration> {
    const EXPECTED: &str = "a duration such as \"5s\", \"100ms\", \"1h30m\" or a number of seconds";
    let n = non_null(node, key)?;
    // On error: the value as written, and why it is no duration.
    let parsed = match &n.value {
        Value::Str(s) => parse_duration(s).map_err(|e| (s.clone(), e.to_string())),
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) => seconds(*i as f64).map_err(|e| (i.to_string(), e.to_string())),
        Value::Float(f) => seconds(*f).map_err(|e| (f.to_string(), e.to_string())),
        _ => {
            ctx.wrong_type(n, &join(prefix, key), EXPECTED);
            return None;
        }
    };
    match parsed {
        Ok(d) => Some(d),
        Err((found, why)) => {
            ctx.invalid(
                n.line,
                &join(prefix, key),
                format!("{EXPECTED} ({why})"),
                found,
            );
            None
        }
    }
}

/// `modules:` names a built-in module each (`json`, `time`, ...), as the original
/// checks: not empty, and without a namespace (an entry of the registry is reached
/// through `imports:`). A name this runtime does not have is refused by `require`,
/// as in the original, which checks names only when the script asks for them.
fn check_module_names(ctx: &mut Ctx<'_>, node: &Node) {
    let Some(Node {
        value: Value::Seq(items),
        ..
    }) = non_null(node, "modules")
    else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        // Items that are not strings are reported by `get_string_list`.
        let Some(name) = item.as_str() else { continue };
        let expected = if name.is_empty() {
            "a module name (not empty)"
        } else if name.contains(':') {
            "a module name without a namespace (an entry of the registry goes under imports:)"
        } else {
            continue;
        };
        ctx.invalid(
            item.line,
            &format!("modules[{i}]"),
            expected,
            name.to_owned(),
        );
    }
}

fn get_string_list(ctx: &mut Ctx<'_>, node: &Node, key: &str) -> Vec<String> {
    let Some(n) = non_null(node, key) else {
        return Vec::new();
    };
    let Value::Seq(items) = &n.value else {
        ctx.wrong_type(n, key, "a list of strings");
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(s) => out.push(s.to_owned()),
            None => ctx.wrong_type(item, &format!("{key}[{i}]"), "a string"),
        }
    }
    out
}
