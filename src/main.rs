//! The `wippy` command: `wippy init` writes `wippy.lock`; `wippy run` starts the
//! registry's `auto_start` entries and runs until SIGINT/SIGTERM; `wippy run -x
//! [host/]ns:entry` runs one process on the terminal host and exits with its result;
//! `wippy run <command> [args]` does the same for the process entry whose
//! `meta.command.name` is `<command>`, and `wippy run list` lists those commands.

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::Write as _;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use wippy_runtime::config::{
    BootConfig, CONFIG_FILE_NAME, DEFAULT_SHUTDOWN_TIMEOUT, LogEncoding, LogLevel, Origin, Setting,
    Settings,
};
use wippy_runtime::lifecycle::StartProgress;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::{ErrorKind, ErrorValue, Payload};
use wippy_runtime::process::ExitWaiter;
use wippy_runtime::registry::{EntryConfig, LOCK_FILE_NAME, LockFile, Override, Registry};
use wippy_runtime::signals::{RunEnd, ShutdownSignals};
use wippy_runtime::{Runtime, SpawnSpec, TerminalExit};

/// `println!` that cannot panic: when stdout is a closed pipe (`wippy run list | true`)
/// the line is lost, as a Go program's write would be, and the command goes on.
macro_rules! stdout_line {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that cannot panic (see [`stdout_line`]).
macro_rules! stderr_line {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Standard error for log records, dropping what cannot be written: tracing-subscriber
/// reports a failed write with `eprintln!`, which panics when stderr is a closed pipe.
struct LossyStderr;

impl std::io::Write for LossyStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}

/// The exit code of a `run -x` stopped by SIGINT or SIGTERM (128 + SIGINT, the shells'
/// convention for an interrupted command).
const INTERRUPTED_EXIT: i32 = 130;

/// How long the rest of the runtime gets to end after a `run -x` process finished.
const EXEC_SHUTDOWN_GRACE: Duration = Duration::from_millis(300);

#[derive(Parser)]
#[command(
    name = "wippy",
    version,
    about = "Runs Wippy applications: Lua processes on the wippy runtime"
)]
struct Cli {
    /// Show debug logs (the default for `run` is info; with -x, none); twice: trace.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Show trace logs (as -vv).
    #[arg(long, global = true)]
    very_verbose: bool,
    /// Show logs, coloured (with -x too).
    #[arg(short, long, global = true)]
    console: bool,
    /// Show no logs at all (over -v and -c).
    #[arg(short, long, global = true)]
    silent: bool,
    /// The original's log streaming to its event bus: not supported here (refused).
    #[arg(short = 'e', long, global = true, hide = true)]
    event_streams: bool,
    /// The original's pprof profiler: not supported here (refused).
    #[arg(short = 'p', long, global = true, hide = true)]
    profiler: bool,
    /// The original's Go heap limit: not supported here (refused; see
    /// --process-memory-mb).
    #[arg(short = 'm', long, global = true, hide = true)]
    memory_limit: Option<String>,
    /// The settings file (default: `.wippy.yaml` in the current directory, when there):
    /// `shutdown.timeout`, `logger.encoding`, `logmanager.min_level` and `override`.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// Refuses the original's global flags this runtime does not have, naming each, rather
/// than running without what they ask for.
fn refuse_unsupported(cli: &Cli) -> Result<(), ExitCode> {
    let mut refused = Vec::new();
    if cli.event_streams {
        refused.push((
            "-e/--event-streams",
            "there is no event bus to stream logs to",
        ));
    }
    if cli.profiler {
        refused.push(("-p/--profiler", "there is no pprof endpoint"));
    }
    if cli.memory_limit.is_some() {
        refused.push((
            "-m/--memory-limit",
            "there is no garbage-collected heap to bound; each Lua process has --process-memory-mb",
        ));
    }
    if refused.is_empty() {
        return Ok(());
    }
    for (flag, why) in refused {
        stderr_line!("error: {flag} is not supported by this runtime: {why}");
    }
    Err(ExitCode::from(2))
}

/// The global log flags, taken out of [`Cli`] before its command is.
#[derive(Clone, Copy)]
struct LogFlags {
    verbose: u8,
    very_verbose: bool,
    console: bool,
    silent: bool,
}

impl LogFlags {
    fn of(cli: &Cli) -> LogFlags {
        LogFlags {
            verbose: cli.verbose,
            very_verbose: cli.very_verbose,
            console: cli.console,
            silent: cli.silent,
        }
    }

    /// The log level asked for: `None` for no logs. `-x` keeps the terminal clean
    /// unless -v, --very-verbose or -c asks for logs; -s silences everything. Without
    /// -v, the settings' `logmanager.min_level` (`configured`) or info.
    fn level(self, exec: bool, configured: Option<LogLevel>) -> Option<&'static str> {
        if self.silent {
            return None;
        }
        let level = if self.very_verbose || self.verbose >= 2 {
            "trace"
        } else if self.verbose == 1 {
            "debug"
        } else if exec && !self.console {
            return None;
        } else {
            configured.map_or("info", LogLevel::as_filter)
        };
        Some(level)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Write wippy.lock for the current directory.
    Init {
        /// The source directory.
        #[arg(short = 'd', long, default_value = "./src")]
        src_dir: String,
        /// The modules directory.
        #[arg(long, default_value = ".wippy")]
        modules_dir: String,
        /// The lock file to write.
        #[arg(short = 'l', long, default_value = LOCK_FILE_NAME)]
        lock_file: PathBuf,
    },
    /// Start the auto_start entries (or, with -x or a command name, run one process)
    /// until done or signalled; `wippy run list` lists the commands.
    Run {
        /// Run this process entry (`ns:entry` or `host/ns:entry`) and exit with its result.
        #[arg(short = 'x', long = "exec")]
        exec: Option<String>,
        /// The terminal host for -x (default: the only terminal.host).
        #[arg(long)]
        host: Option<String>,
        /// Memory limit per Lua process in MiB (0: no limit).
        #[arg(long, default_value_t = 64)]
        process_memory_mb: usize,
        /// Set one field of one entry before the registry is checked:
        /// `namespace:entry:field=value` (field dotted, e.g. `meta.port`); repeatable,
        /// or several separated by commas.
        #[arg(
            short = 'o',
            long = "override",
            value_name = "NS:ENTRY:FIELD=VALUE",
            value_delimiter = ','
        )]
        overrides: Vec<String>,
        /// Set one setting of the settings file: `section.path=value` (e.g.
        /// `shutdown.timeout=45s`); repeatable.
        #[arg(long = "set", value_name = "SECTION.PATH=VALUE")]
        set: Vec<String>,
        /// A command name (an entry's `meta.command.name`; `list` lists them) and the
        /// arguments for the process's main function (with -x: arguments only). Any
        /// bytes: a Lua string need not be UTF-8.
        args: Vec<OsString>,
    },
}

/// Rust-side allocations (messages, records, queues) come from mimalloc like the Lua
/// heaps do (see `lua-bridge/src/vm/alloc.rs`): many small blocks freed on other threads.
/// Through its plain entry points where the layout allows (`rust_alloc.rs`).
#[global_allocator]
static GLOBAL: wippy_lua::rust_alloc::MiMalloc = wippy_lua::rust_alloc::MiMalloc;

/// Gives SIGPIPE its default action back (Rust's runtime ignores it): as the original's
/// Go runtime does for its standard output, a write to a closed stdout or stderr pipe
/// ends the command (`wippy run -x app:printer | head -1`), where a script that prints
/// in a loop would otherwise run on for ever, each `io.print` failing.
fn restore_sigpipe() {
    // SAFETY: `signal` with `SIG_DFL` installs no handler; it runs first thing in `main`,
    // before any thread is started, and nothing here relies on SIGPIPE being ignored
    // (the command writes to no socket).
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    if let Err(code) = refuse_unsupported(&cli) {
        return code;
    }
    let logs = LogFlags::of(&cli);
    let config_file = cli.config;
    match cli.command {
        Command::Init {
            src_dir,
            modules_dir,
            lock_file,
        } => init(&src_dir, &modules_dir, &lock_file, logs.silent),
        Command::Run {
            exec,
            host,
            process_memory_mb,
            overrides,
            set,
            args,
        } => {
            let settings = match load_settings(config_file.as_deref(), &set, logs.silent) {
                Ok(settings) => settings,
                Err(code) => return code,
            };
            // The settings file's overrides first, so that an -o flag for the same
            // field, applied after it, wins (as the original merges them).
            let overrides = match parse_overrides(&overrides) {
                Ok(flags) => settings
                    .overrides
                    .iter()
                    .cloned()
                    .chain(flags)
                    .collect::<Vec<_>>(),
                Err(code) => return code,
            };
            // The original trims the entry it is given (`-x " app:cli "`); an empty one
            // asks for no process.
            let exec = match exec.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
                None => None,
                Some(spec) => match ExecTarget::parse(spec, host.as_deref()) {
                    Ok(target) => Some(target),
                    Err(e) => {
                        stderr_line!("error: -x {spec}: {e}");
                        return ExitCode::FAILURE;
                    }
                },
            };
            let registry = match load_registry(&overrides, logs.silent) {
                Ok(r) => r,
                Err(code) => return code,
            };
            let (exec, args) = match (exec, args.split_first()) {
                // As the original's `run list` subcommand, which takes no arguments and
                // ignores any.
                (None, Some((first, _))) if first == "list" => {
                    return list_commands(&registry);
                }
                (None, Some((command, rest))) => {
                    match find_command(&registry, &command.to_string_lossy()) {
                        Ok(entry) => (
                            Some(ExecTarget {
                                host: host.clone(),
                                entry,
                            }),
                            rest.to_vec(),
                        ),
                        Err(code) => return code,
                    }
                }
                (exec, _) => (exec, args),
            };
            let Some(memory_limit) = process_memory_mb.checked_mul(1 << 20) else {
                stderr_line!(
                    "error: --process-memory-mb {process_memory_mb} is more memory than this machine can address"
                );
                return ExitCode::FAILURE;
            };
            // A terminal host with `hide_logs: true` keeps the console free of logs while
            // its process runs (the original stops their propagation to the console);
            // with -x, its process is the whole run.
            let hidden = exec
                .as_ref()
                .is_some_and(|target| hides_logs(&registry, target.host.as_deref()));
            let level = if hidden {
                None
            } else {
                logs.level(exec.is_some(), settings.log_level)
            };
            // -c asks for coloured lines, over `logger.encoding` (as the original).
            let json = settings.log_encoding == Some(LogEncoding::Json) && !logs.console;
            init_logs(level, logs.console, json);
            // Without logs (and not silenced), a service that keeps failing at boot is
            // told on stderr, or the start would wait without a word.
            let tell_retries = level.is_none() && !logs.silent;
            run(
                registry,
                exec.as_ref(),
                memory_limit,
                args,
                tell_retries,
                settings
                    .shutdown_timeout
                    .unwrap_or(DEFAULT_SHUTDOWN_TIMEOUT),
            )
        }
    }
}

/// Writes `lock_file` with these directories; an existing lock file keeps its modules,
/// replacements and options (as the original's `init`, which rewrites the directories).
fn init(src_dir: &str, modules_dir: &str, lock_file: &Path, silent: bool) -> ExitCode {
    let (mut lock, verb) = if lock_file.exists() {
        match LockFile::read(lock_file) {
            Ok(lock) => (lock, "updated"),
            Err(errors) => {
                for error in errors.iter() {
                    stderr_line!("error: {error}");
                }
                return ExitCode::FAILURE;
            }
        }
    } else {
        (LockFile::default(), "wrote")
    };
    lock.directories.src = PathBuf::from(src_dir);
    lock.directories.modules = PathBuf::from(modules_dir);
    let text = match lock.to_yaml() {
        Ok(text) => text,
        Err(e) => {
            stderr_line!("error: {}: {e}", lock_file.display());
            return ExitCode::FAILURE;
        }
    };
    match write_private(lock_file, text.as_bytes()) {
        Ok(()) => {
            if !silent {
                stderr_line!("{verb} {}", lock_file.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            stderr_line!("error: cannot write {}: {e}", lock_file.display());
            ExitCode::FAILURE
        }
    }
}

/// Writes `bytes` to `path` as the original writes its lock file (`os.WriteFile` with
/// mode 0600): a new file is readable by its owner only; one that exists keeps its mode.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// Logs to stderr at `level` (`WIPPY_LOG`, a tracing filter, overrides it): one JSON
/// object per record when `json`, else lines, coloured on a terminal or when `coloured`;
/// nothing when `level` is `None`.
fn init_logs(level: Option<&str>, coloured: bool, json: bool) {
    let Some(level) = level else { return };
    let filter = tracing_subscriber::EnvFilter::try_from_env("WIPPY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| LossyStderr);
    if json {
        // The message and fields at the top of each object, as zap's JSON records.
        logs.json().flatten_event(true).init();
    } else {
        logs.with_ansi(coloured || std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init();
    }
}

/// The settings file (`explicit`, or `.wippy.yaml` here when there is one) with the
/// `--set` flags over it, checked; what this runtime does not read is said on stderr
/// (unless `silent`).
fn load_settings(
    explicit: Option<&Path>,
    sets: &[String],
    silent: bool,
) -> Result<Settings, ExitCode> {
    let print = |errors: wippy_runtime::registry::LoadErrors| {
        for error in errors.iter() {
            stderr_line!("error: {error}");
        }
    };
    let env = |name: &str| std::env::var(name).ok();
    let read = match explicit {
        Some(path) => BootConfig::read(path, env),
        // Anything there by that name is read, so that a directory or an unreadable
        // file is an error rather than silently no settings (as the original, which
        // treats only a missing file as none).
        None if std::fs::symlink_metadata(CONFIG_FILE_NAME).is_ok() => {
            BootConfig::read(Path::new(CONFIG_FILE_NAME), env)
        }
        None => Ok(BootConfig::new()),
    };
    let mut config = read.map_err(|errors| {
        print(errors);
        ExitCode::FAILURE
    })?;
    let mut bad_flag = false;
    for flag in sets {
        if let Err(errors) = config.set(flag) {
            print(errors);
            bad_flag = true;
        }
    }
    if bad_flag {
        return Err(ExitCode::from(2));
    }
    let settings = config.resolve().map_err(|errors| {
        print(errors);
        ExitCode::FAILURE
    })?;
    if !silent {
        tell_unused(&settings.unused);
    }
    Ok(settings)
}

/// One note per section of the settings file this runtime does not read (at its first
/// setting's line), and per such `--set` flag: accepted, but without effect here.
fn tell_unused(unused: &[Setting]) {
    let mut sections: Vec<(&str, &Path, usize, Vec<&str>)> = Vec::new();
    for setting in unused {
        let key = setting.key();
        let (section, rest) = key.split_once('.').unwrap_or((key, ""));
        match setting.origin() {
            Origin::Flag(flag) => {
                stderr_line!("note: --set {flag}: {key} is not used by this runtime");
            }
            Origin::File { path, line } => {
                match sections
                    .iter_mut()
                    .find(|(s, p, ..)| *s == section && *p == path)
                {
                    Some((.., keys)) => keys.push(rest),
                    None => sections.push((section, path, *line, vec![rest])),
                }
            }
        }
    }
    for (section, path, line, keys) in sections {
        stderr_line!(
            "note: {}:{line}: {section} ({}) is not used by this runtime",
            path.display(),
            keys.join(", ")
        );
    }
}

/// The `-o` flags, each checked; every bad one is named.
fn parse_overrides(flags: &[String]) -> Result<Vec<Override>, ExitCode> {
    let mut overrides = Vec::with_capacity(flags.len());
    let mut bad = false;
    for flag in flags {
        match Override::parse(flag) {
            Ok(o) => overrides.push(o),
            Err(e) => {
                stderr_line!("error: -o: {e}");
                bad = true;
            }
        }
    }
    if bad {
        return Err(ExitCode::from(2));
    }
    Ok(overrides)
}

/// Loads the registry from `wippy.lock`'s source directory, or from `./src`. Notes and
/// warnings go to stderr unless `silent`; errors always do.
fn load_registry(overrides: &[Override], silent: bool) -> Result<Registry, ExitCode> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let loaded = match LockFile::find_and_read(&cwd) {
        Ok(Some((path, lock))) => {
            if !silent && (!lock.modules.is_empty() || !lock.replacements.is_empty()) {
                // Hub modules are absent from this runtime (see the README): say so
                // rather than start without them unannounced.
                stderr_line!(
                    "note: {} lists {} module(s) and {} replacement(s); this runtime does not install or load modules, only {}",
                    path.display(),
                    lock.modules.len(),
                    lock.replacements.len(),
                    lock.directories.src.display()
                );
            }
            Registry::load_from_lock_with(&path, &lock, overrides)
        }
        Ok(None) => {
            if !silent {
                stderr_line!("no {LOCK_FILE_NAME} found (run `wippy init`); loading ./src");
            }
            Registry::load_dirs_with(&[cwd.join("src")], overrides)
        }
        Err(errors) => Err(errors),
    };
    let registry = loaded.map_err(|errors| {
        for error in errors.iter() {
            // A field an override set is reported at the entry's line in its file, which
            // holds another value: the override is named beside it.
            match override_behind(overrides, error) {
                Some(given) => stderr_line!("error: {error} (the value is set by {given})"),
                None => stderr_line!("error: {error}"),
            }
        }
        ExitCode::FAILURE
    })?;
    if silent {
        return Ok(registry);
    }
    // Kinds are open (an entry of any kind is kept), but a likely typo is said now
    // rather than when something starts or spawns the entry.
    for (entry, meant) in registry.misspelt_kinds() {
        warn_at(
            entry,
            format_args!(
                "kind {} is not a Wippy kind (did you mean {meant}?); the entry is kept as data",
                entry.kind()
            ),
        );
    }
    // A Lua entry has no lifecycle in the original (its config has no such field): the
    // block is data there and here, and `auto_start` in it starts nothing.
    for entry in registry.iter() {
        if matches!(entry.config(), EntryConfig::Lua(_)) && entry.data().get("lifecycle").is_some()
        {
            warn_at(
                entry,
                format_args!(
                    "lifecycle is not read on a {} entry (as in the original); a process.service starts and supervises a process",
                    entry.kind()
                ),
            );
        }
    }
    Ok(registry)
}

/// Writes `warning: file:line: entry ns:name: {what}` for `entry`.
fn warn_at(entry: &wippy_runtime::registry::Entry, what: std::fmt::Arguments<'_>) {
    stderr_line!(
        "warning: {}:{}: entry {}: {what}",
        entry.location().path().display(),
        entry.location().line(),
        entry.id(),
    );
}

/// Where the override that set the field `error` is about was given (`-o SPEC`, the
/// settings file's line, or `--set`), when one did.
fn override_behind(
    overrides: &[Override],
    error: &wippy_runtime::registry::LoadError,
) -> Option<String> {
    let (entry, field) = (error.entry()?, error.field()?);
    let given = overrides.iter().rev().find(|o| {
        let set = o.field();
        o.entry().to_string() == entry
            && (field == set
                || field
                    .strip_prefix(set.as_str())
                    .is_some_and(|rest| rest.starts_with(['.', '['])))
    })?;
    Some(match given.origin() {
        None => format!("-o {}", given.spec()),
        Some((path, Some(line))) => format!("{}:{line}: {}", path.display(), given.spec()),
        Some((_, None)) => format!("--set {}", given.spec()),
    })
}

/// What `run -x` runs: a process entry, on a terminal host when named.
#[derive(Debug, Clone, PartialEq)]
struct ExecTarget {
    host: Option<String>,
    entry: String,
}

impl ExecTarget {
    /// Parses `ns:entry` or `host/ns:entry` (the host itself `ns:name`), with the
    /// `--host` flag's value; the original's `parseExecSpec` errors for a malformed one.
    fn parse(spec: &str, host_flag: Option<&str>) -> Result<ExecTarget, String> {
        let (host, entry) = match spec.split_once('/') {
            Some((host, entry)) => (Some(host), entry),
            None => (None, spec),
        };
        check_id(entry, "entry")?;
        if let Some(host) = host {
            check_id(host, "host")?;
            if let Some(flag) = host_flag.filter(|flag| *flag != host) {
                return Err(format!(
                    "names host {host}, and --host names {flag}; give one"
                ));
            }
        }
        Ok(ExecTarget {
            host: host.or(host_flag).map(str::to_owned),
            entry: entry.to_owned(),
        })
    }
}

/// Checks that `id` is `namespace:name`, both parts there (`what`: entry or host).
fn check_id(id: &str, what: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err(format!("empty {what}"));
    }
    match id.rsplit_once(':') {
        None => Err(format!(
            "missing separator ':' in the {what} (namespace:name)"
        )),
        Some(("", _)) => Err(format!("empty namespace in the {what} {id:?}")),
        Some((_, "")) => Err(format!("empty name in the {what} {id:?}")),
        Some(_) => Ok(()),
    }
}

/// Whether the terminal host a `-x` process runs on (`host`, or the only one) has
/// `hide_logs: true`.
fn hides_logs(registry: &Registry, host: Option<&str>) -> bool {
    terminal_host(registry, host)
        .ok()
        .and_then(|id| registry.get_str(&id))
        .is_some_and(|e| matches!(e.config(), EntryConfig::TerminalHost(t) if t.hide_logs))
}

/// The process entries that declare a command (`meta.command.name`): name, short
/// description, entry id; in registry order.
fn commands(registry: &Registry) -> Vec<(String, String, String)> {
    registry
        .iter()
        .filter(|e| e.kind().starts_with("process."))
        .filter_map(|e| {
            let Some(Payload::Map(command)) = e.meta().get("command") else {
                return None;
            };
            let name = command.get("name").and_then(Payload::as_str)?;
            if name.is_empty() {
                return None;
            }
            let short = command.get("short").and_then(Payload::as_str).unwrap_or("");
            Some((name.to_owned(), short.to_owned(), e.id().to_string()))
        })
        .collect()
}

/// `wippy run list`.
fn list_commands(registry: &Registry) -> ExitCode {
    let commands = commands(registry);
    if commands.is_empty() {
        stdout_line!("No commands found.");
        stdout_line!();
        stdout_line!("To define a command, add 'command' to a process entry's meta:");
        stdout_line!("  meta:");
        stdout_line!("    command:");
        stdout_line!("      name: test");
        stdout_line!("      short: Run tests");
        return ExitCode::SUCCESS;
    }
    stdout_line!("Available commands:");
    stdout_line!();
    for (name, short, id) in commands {
        if short.is_empty() {
            stdout_line!("  {name}  ({id})");
        } else {
            stdout_line!("  {name}  {short}  ({id})");
        }
    }
    stdout_line!();
    stdout_line!("Run with: wippy run <command>");
    ExitCode::SUCCESS
}

/// The entry id of command `name`, or the error printed.
/// A command-line argument as the bytes the process gets (on Unix, exactly those given,
/// as the original's Go strings hold them; elsewhere its UTF-8 text).
fn argument_bytes(argument: OsString) -> Vec<u8> {
    #[cfg(unix)]
    {
        std::os::unix::ffi::OsStringExt::into_vec(argument)
    }
    #[cfg(not(unix))]
    {
        argument.to_string_lossy().into_owned().into_bytes()
    }
}

fn find_command(registry: &Registry, name: &str) -> Result<String, ExitCode> {
    let ids: Vec<String> = commands(registry)
        .into_iter()
        .filter(|(n, _, _)| n == name)
        .map(|(_, _, id)| id)
        .collect();
    match ids.as_slice() {
        [id] => Ok(id.clone()),
        [_, _, ..] => {
            stderr_line!(
                "error: command {name:?} is declared by several entries ({}); give each its own meta.command.name",
                ids.join(", ")
            );
            Err(ExitCode::FAILURE)
        }
        [] => {
            stderr_line!(
                "error: command {name:?} not found. Use 'wippy run list' to see available commands"
            );
            Err(ExitCode::FAILURE)
        }
    }
}

fn run(
    registry: Registry,
    exec: Option<&ExecTarget>,
    memory_limit: usize,
    args: Vec<OsString>,
    tell_retries: bool,
    shutdown_grace: Duration,
) -> ExitCode {
    let runtime = Runtime::new(registry);
    // Watched from before the start: a service on a terminal host can end during it.
    let terminal_exits = exec.is_none().then(|| runtime.watch_terminal_exits());
    let env = wippy_lua::install(
        &runtime,
        wippy_lua::LuaOptions::default().memory_limit(memory_limit),
    );
    if let Err(errors) = env.compiler.precompile(&runtime.registry()) {
        for error in errors {
            stderr_line!("error: {}", error.message());
        }
        return ExitCode::FAILURE;
    }
    // The signal handlers are in place before anything starts, so that no signal is lost
    // in between (a process started in the background inherits an ignored SIGINT).
    let mut signals = match ShutdownSignals::install() {
        Ok(signals) => signals,
        Err(e) => {
            stderr_line!("error: cannot wait for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Services start once what they require has booted, which a failing one may never
    // do: a signal stops the wait, and so does the end of a terminal host's process,
    // which ends the run.
    let mut interrupted = false;
    let mut ended_while_starting = None;
    let started = runtime.start_watching(|progress| {
        if let StartProgress::Retrying {
            service,
            error,
            failures,
        } = progress
        {
            if tell_retries {
                let why = error.map_or_else(String::new, |e| format!(": {}", e.message()));
                let times = if failures == 1 {
                    String::new()
                } else {
                    format!(" ({failures} times)")
                };
                stderr_line!(
                    "service {service} failed to start{times}{why}; retrying, and waiting for it (Ctrl+C stops)"
                );
            }
        }
        if signals.arrived() {
            interrupted = true;
            return ControlFlow::Break(());
        }
        if let Some(end) = terminal_exits.as_ref().and_then(|r| r.try_recv().ok()) {
            ended_while_starting = Some(end);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    if let (Some(end), Some(ended)) = (ended_while_starting, terminal_exits.as_ref()) {
        let code = report_terminal_end(end, false);
        return end_run(&runtime, signals, ended, code, shutdown_grace);
    }
    if let Err(error) = started {
        stderr_line!("error: cannot start:\n{error}");
        runtime.shutdown(shutdown_grace.min(Duration::from_secs(1)));
        if interrupted {
            // A terminal process already running ended in the shutdown: its result.
            return terminal_exits
                .iter()
                .flat_map(std::sync::mpsc::Receiver::try_iter)
                .map(|end| report_terminal_end(end, true))
                .last()
                .unwrap_or(ExitCode::from(INTERRUPTED_EXIT as u8));
        }
        return ExitCode::FAILURE;
    }
    let Some(ended) = terminal_exits else {
        let code = exec.map_or(ExitCode::SUCCESS, |target| {
            exec_one(&runtime, target, args, signals, shutdown_grace)
        });
        // The terminal process is done: the rest gets a short grace (services and workers
        // that ignore CANCEL, like the tutorial's relay, are then terminated).
        runtime.shutdown(EXEC_SHUTDOWN_GRACE.min(shutdown_grace));
        return code;
    };
    match signals.run_until_signal_or(&runtime, shutdown_grace, &ended) {
        Err(e) => {
            stderr_line!("error: cannot wait for signals: {e}");
            ExitCode::FAILURE
        }
        // Stopped by the signal; a terminal process that ended meanwhile is reported as
        // an interrupted `-x` process is.
        Ok(RunEnd::Signalled { late }) => late
            .into_iter()
            .map(|end| report_terminal_end(end, true))
            .last()
            .unwrap_or(ExitCode::SUCCESS),
        Ok(RunEnd::Ended { end, signals }) => {
            let code = report_terminal_end(end, false);
            end_run(&runtime, signals, &ended, code, shutdown_grace)
        }
    }
}

/// Whether `error` is the end of a process killed from outside (by the shutdown, after
/// its grace), rather than an error of its own.
fn is_shutdown_kill(error: &ErrorValue) -> bool {
    *error.kind() == ErrorKind::Internal
        && error.message() == "process terminated"
        && error.stack().is_none()
}

/// Reports how a terminal host's process ended (as a `-x` process's end is), giving the
/// run's exit code: the original's terminal host ends the run with it, whoever started
/// the process.
fn report_terminal_end(end: TerminalExit, interrupted: bool) -> ExitCode {
    let entry = end
        .entry
        .map_or_else(|| end.pid.to_string(), |e| e.to_string());
    exit_code_of(end.outcome, &entry, interrupted)
}

/// Ends a run whose terminal process ended with `code`: shuts the runtime down with the
/// short grace of a `-x` run (a signal meanwhile exits at once), then reports the
/// terminal processes that ended during it (another terminal host's, say); the last
/// one's code wins, as the original's last `TriggerShutdown` does.
fn end_run(
    runtime: &Runtime,
    signals: ShutdownSignals,
    ended: &std::sync::mpsc::Receiver<TerminalExit>,
    code: ExitCode,
    shutdown_grace: Duration,
) -> ExitCode {
    if let Err(e) =
        signals.shutdown_exiting_on_signal(runtime, EXEC_SHUTDOWN_GRACE.min(shutdown_grace))
    {
        stderr_line!("error: cannot wait for signals: {e}");
        runtime.shutdown(EXEC_SHUTDOWN_GRACE.min(shutdown_grace));
    }
    ended
        .try_iter()
        .map(|end| report_terminal_end(end, false))
        .last()
        .unwrap_or(code)
}

/// The terminal host a `-x` process runs on: `wanted`, or the only one in `registry`.
fn terminal_host(registry: &Registry, wanted: Option<&str>) -> Result<String, String> {
    if let Some(host) = wanted {
        return Ok(host.to_owned());
    }
    let hosts: Vec<String> = registry
        .iter()
        .filter(|e| matches!(e.config(), EntryConfig::TerminalHost(_)))
        .map(|e| e.id().to_string())
        .collect();
    match hosts.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err("no terminal.host entry in the registry; add one or pass --host".into()),
        many => Err(format!(
            "several terminal hosts ({}); pass --host",
            many.join(", ")
        )),
    }
}

fn exec_one(
    runtime: &Runtime,
    target: &ExecTarget,
    args: Vec<OsString>,
    signals: ShutdownSignals,
    shutdown_grace: Duration,
) -> ExitCode {
    let entry = target.entry.as_str();
    let host = match terminal_host(&runtime.registry(), target.host.as_deref()) {
        Ok(h) => h,
        Err(e) => {
            stderr_line!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let registry = runtime.registry();
    let host_entry = match registry.get_str(&host) {
        Some(e) if matches!(e.config(), EntryConfig::TerminalHost(_)) => e,
        Some(_) => {
            stderr_line!(
                "error: {host} is not a terminal.host (a -x process runs on a terminal host)"
            );
            return ExitCode::FAILURE;
        }
        None => {
            stderr_line!("error: no terminal host {host} in the registry");
            return ExitCode::FAILURE;
        }
    };
    if runtime.host(&host).is_none() {
        if let Err(e) = runtime.start_entry(host_entry) {
            stderr_line!("error: cannot start host {host}: {e}");
            return ExitCode::FAILURE;
        }
    }
    // Ctrl+C: stop everything, this process first (it gets CANCEL, which also ends a
    // terminal read it waits in, then it is terminated at the deadline); twice: now.
    let interrupted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let foreground = std::sync::Arc::new(std::sync::OnceLock::new());
    if let Err(e) = signals.watch(
        runtime.clone(),
        shutdown_grace,
        interrupted.clone(),
        foreground.clone(),
    ) {
        stderr_line!("error: cannot wait for signals: {e}");
        return ExitCode::FAILURE;
    }
    // What `io.args()` gives the process, as the original's terminal context holds them.
    let args: Vec<Vec<u8>> = args.into_iter().map(argument_bytes).collect();
    wippy_lua::modules::io::set_args(args.clone());
    let waiter = ExitWaiter::new();
    let spec = SpawnSpec::new(entry, host.clone())
        .args(args.into_iter().map(Payload::from))
        .waiter(waiter.clone());
    match runtime.spawn(spec) {
        Ok(pid) => {
            let _ = foreground.set(pid);
        }
        Err(e) => {
            stderr_line!("error: cannot run {entry} on {host}: {e}");
            return ExitCode::FAILURE;
        }
    }
    exit_code_of(
        waiter.wait(),
        entry,
        interrupted.load(std::sync::atomic::Ordering::SeqCst),
    )
}

/// The exit status for code `n`, as the original's `setExitCode` and `os.Exit` make it:
/// a code beyond 32 bits is 1, and the status is the code's low byte.
fn exit_status(n: i64) -> ExitCode {
    let code = i32::try_from(n).unwrap_or(1);
    ExitCode::from(code.to_le_bytes()[0])
}

/// What the run exits with when the terminal process `entry` ended with `outcome`
/// (printing what goes with it), as the original's terminal host: a number is the exit
/// code, `true` or nothing 0, `false` 1, a string is printed and gives 0, an error is
/// printed and gives 1 (130 when the run was `interrupted`).
fn exit_code_of(outcome: Outcome, entry: &str, interrupted: bool) -> ExitCode {
    match outcome {
        Outcome::Normal(value) => match value {
            Payload::Int(n) => exit_status(n),
            // As the original: a float that is no number (NaN, infinities) fails; any
            // other is truncated (saturating, as Go's conversion lands out of range too).
            Payload::Float(f) if !f.is_finite() => ExitCode::FAILURE,
            Payload::Float(f) => exit_status(f as i64),
            Payload::Bool(true) | Payload::Nil => ExitCode::SUCCESS,
            Payload::Bool(false) => ExitCode::FAILURE,
            Payload::Str(s) => {
                // The bytes as they are (as the original writes the string), and nothing
                // for an empty one (the original prints only a non-empty output).
                if !s.is_empty() {
                    let mut stdout = std::io::stdout().lock();
                    let _ = stdout.write_all(&s).and_then(|()| stdout.write_all(b"\n"));
                }
                ExitCode::SUCCESS
            }
            _ => ExitCode::SUCCESS,
        },
        // Killed by the shutdown the signal started: not a failure of the program. An
        // error of the program's own (one it raised or returned after the CANCEL, say)
        // is reported as at any other time, as the original does.
        Outcome::Error(error) if interrupted && is_shutdown_kill(&error) => {
            stderr_line!("interrupted");
            ExitCode::from(INTERRUPTED_EXIT as u8)
        }
        Outcome::Error(error) => {
            // The whole text, with the context `errors.wrap` put in front of the
            // message, as Lua's `tostring` and the original's `Error()` give it.
            let message = error.text();
            // Errors of loading the entry name it already (`entry ns:name: ...`).
            if message.contains(&format!("entry {entry}")) {
                stderr_line!("error: {message}");
            } else {
                stderr_line!("error: {entry}: {message}");
            }
            if let Some(stack) = error.stack() {
                stderr_line!("{stack}");
            }
            ExitCode::FAILURE
        }
    }
}
