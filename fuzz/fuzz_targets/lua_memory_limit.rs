//! Bytes -> a Lua program built from a fixed menu of operations (strings, tables,
//! channels, messages to itself, coroutines, spawned coroutines, deep recursion, nested
//! `pcall`/`xpcall`, error objects, JSON, string and table library calls, children
//! spawned with a big argument, sleeps), each drawing its sizes from the bytes -> run as a
//! real process of a fresh runtime whose per-process memory limit (1..16 MiB) also comes
//! from the bytes. Checked:
//!
//! - nothing panics or crashes, and the process ends within [`PROGRAM_LIMIT`];
//! - it ends normally, or with an error whose text is a real one: a memory error
//!   (`memory`), an error the program raised on purpose (`fzboom`), a stack overflow;
//! - a *strict* program (its whole body in one `pcall`, no spawned coroutines) ends
//!   normally: once what the body made is dropped, a memory error caught inside it
//!   leaves nothing that fails the process afterwards, and what the body's `pcall`
//!   caught is such an error too;
//! - the node still works afterwards: another process runs, and the runtime shuts down.
//!
//! A runtime per input (a few ms), built from an in-memory registry with the program as
//! the inline source of `fz:prog`: nothing of an earlier input (pooled VMs, registry
//! versions) is left to make a failure depend on the inputs before it, so the saved
//! input reproduces it. On a failure the program and its limit are printed; setting
//! `LUA_MEMORY_LIMIT_PRINT` prints them for every input (to turn an artifact into a
//! `.lua` file for `wippy run --process-memory-mb N`).
//!
//! Run it with `cargo +nightly fuzz run --no-trace-compares lua_memory_limit -- -fork=1
//! -ignore_crashes=1 -rss_limit_mb=8192 -timeout=60`: comparison tracing made the Rust
//! pattern matcher slow enough that a `string.find` over a few MB ran past the runtime's
//! one-second stop, and `-fork` goes on after a crash.
#![no_main]

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use wippy_lua::LuaOptions;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;
use wippy_runtime::process::ExitWaiter;
use wippy_runtime::registry::{Registry, parse_file};
use wippy_runtime::{Runtime, SpawnSpec};

/// How long the generated program may run.
const PROGRAM_LIMIT: Duration = Duration::from_secs(20);
/// How long the trivial process after it may take.
const TRIVIAL_LIMIT: Duration = Duration::from_secs(10);
/// How long the shutdown may take.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(10);
/// Operations per program, nested ones included.
const MAX_OPS: u32 = 40;
/// How deep blocks nest (`pcall`, coroutines, loops).
const MAX_DEPTH: u32 = 4;

/// The bytes, read front to back; zeros once they run out.
struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn done(&self) -> bool {
        self.at >= self.data.len()
    }

    /// `0..n`.
    fn below(&mut self, n: u32) -> u32 {
        u32::from(self.byte()) % n
    }

    /// A size in bytes, on a log scale: 1 B .. 32 MiB.
    fn size(&mut self) -> u64 {
        let exp = u64::from(self.byte() % 26);
        let base = 1u64 << exp;
        base + (base / 256) * u64::from(self.byte())
    }

    /// A loop count, on a log scale: 1 .. 4096.
    fn count(&mut self) -> u32 {
        let exp = u32::from(self.byte() % 12);
        let base = 1u32 << exp;
        (base + (base / 256) * u32::from(self.byte())).min(4096)
    }

    fn letter(&mut self) -> char {
        char::from(b'a' + self.byte() % 26)
    }
}

/// Where a block of operations is generated.
#[derive(Clone, Copy)]
struct Scope {
    depth: u32,
    /// A loop variable `i` is in scope.
    has_i: bool,
    /// How many times the enclosing loops run the block, at most.
    repeats: u32,
}

struct Gen<'a> {
    bytes: Bytes<'a>,
    out: String,
    ops: u32,
    /// The whole body runs in one `pcall` and nothing may fail after it.
    strict: bool,
    /// Spawned coroutines may exist (not in strict programs): they may take a message
    /// main sent itself, so receives wait with a timeout.
    spawns: bool,
    indent: usize,
}

impl Gen<'_> {
    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A value kept or sent: what the program built so far.
    fn value(&mut self, scope: Scope) -> String {
        let n = if scope.has_i { 9 } else { 7 };
        match self.bytes.below(n) {
            0 => "s".into(),
            1 => "t".into(),
            2 => "e".into(),
            3 => "{ s, t }".into(),
            4 => "#s".into(),
            5 => "j".into(),
            6 => format!(
                "string.rep(\"{}\", {})",
                self.bytes.letter(),
                self.bytes.size()
            ),
            7 => "s .. i".into(),
            _ => "{ i, s }".into(),
        }
    }

    fn block(&mut self, scope: Scope) {
        let n = 1 + self.bytes.below(6);
        for _ in 0..n {
            if self.ops >= MAX_OPS || self.bytes.done() {
                break;
            }
            self.op(scope);
        }
    }

    /// A block one level deeper (`loop_count`: inside a loop over `i` of that many turns).
    fn nested(&mut self, scope: Scope, loop_count: Option<u32>) {
        self.indent += 1;
        self.block(Scope {
            depth: scope.depth + 1,
            has_i: scope.has_i || loop_count.is_some(),
            repeats: scope.repeats * loop_count.unwrap_or(1),
        });
        self.indent -= 1;
    }

    fn receive(&mut self, into: &str) {
        if self.spawns {
            self.line("local r = channel.select { inbox:case_receive(), time.after(\"50ms\"):case_receive() }");
            self.line(&format!(
                "if r.channel == inbox and r.value then {into} = r.value:payload():data() end"
            ));
        } else {
            self.line(&format!("{into} = inbox:receive():payload():data()"));
        }
    }

    fn op(&mut self, scope: Scope) {
        self.ops += 1;
        let nest = scope.depth < MAX_DEPTH;
        let kinds = 38;
        let kind = self.bytes.below(kinds);
        match kind {
            // Strings.
            0 => {
                let (c, n) = (self.bytes.letter(), self.bytes.size());
                self.line(&format!("s = string.rep(\"{c}\", {n})"));
            }
            1 => self.line("s = s .. s"),
            2 => {
                let n = self.bytes.count();
                self.line(&format!(
                    "if #s < 65536 then for i = 1, {n} do s = s .. i end end"
                ));
            }
            3 => {
                let text = match self.bytes.below(6) {
                    0 => "s = string.format(\"%s|%d|%s\", s, #s, s)".to_owned(),
                    1 => format!("s = (s:gsub(\"{}\", \"%0%0\"))", self.bytes.letter()),
                    2 => "s = (s:gsub(\"(.)\", \"%1-\"))".to_owned(),
                    3 => "keep[#keep + 1] = { s:find(\"([a-m]+)\") }".to_owned(),
                    4 => "s = s:upper():reverse()".to_owned(),
                    _ => {
                        let n = self.bytes.size();
                        format!("keep[#keep + 1] = s:sub(1, {n}) .. \"x\"")
                    }
                };
                self.line(&text);
            }
            // Keeping and dropping.
            4 | 5 => {
                let v = self.value(scope);
                self.line(&format!("keep[#keep + 1] = {v}"));
            }
            6 => {
                let text = match self.bytes.below(4) {
                    0 => "keep = {}",
                    1 => "s = \"\"",
                    2 => "t = {}",
                    _ => "e, j = nil, nil",
                };
                self.line(text);
            }
            // Tables.
            7 => {
                let n = self.bytes.count();
                let v = self.value(Scope {
                    has_i: true,
                    ..scope
                });
                self.line(&format!("for i = 1, {n} do t[#t + 1] = {v} end"));
            }
            8 => {
                let n = self.bytes.count();
                let v = self.value(Scope {
                    has_i: true,
                    ..scope
                });
                self.line(&format!("for i = 1, {n} do t[\"k\" .. i] = {v} end"));
            }
            9 => {
                let text = match self.bytes.below(5) {
                    0 => format!(
                        "for i = 1, {} do t = {{ t }} end",
                        1 + self.bytes.below(400)
                    ),
                    1 => format!(
                        "for i = 1, {} do t = {{ t, t }} end",
                        1 + self.bytes.below(64)
                    ),
                    2 => "t = { a = t, b = { t, s }, c = keep }".to_owned(),
                    3 => "t.self = t".to_owned(),
                    _ => "t = { s = s, n = #s, list = { s, s, s } }".to_owned(),
                };
                self.line(&text);
            }
            10 => {
                let n = self.bytes.count();
                let text = match self.bytes.below(4) {
                    0 => format!(
                        "do local a = {{}} for i = 1, {n} do a[i] = (i * 7919) % 1009 end table.sort(a) keep[#keep + 1] = a end"
                    ),
                    1 => format!(
                        "do local a = {{}} for i = 1, {n} do a[i] = tostring((i * 7919) % 1009) .. s:sub(1, 8) end table.sort(a, function(x, y) return x > y end) keep[#keep + 1] = a end"
                    ),
                    // Each insert moves all of `t`: bounded, or a few of these take minutes.
                    2 => format!(
                        "for i = 1, {} do if #t >= 2048 then break end table.insert(t, 1, s) end",
                        n.min(512)
                    ),
                    _ => format!(
                        "do local parts = {{}} for i = 1, math.min(#t, {n}) do parts[#parts + 1] = tostring(t[i]) end s = table.concat(parts, \",\") end"
                    ),
                };
                self.line(&text);
            }
            // Channels.
            11 => {
                let cap = match self.bytes.below(5) {
                    0 => "0",
                    1 => "1",
                    2 => "16",
                    3 => "1000",
                    _ => "1e9",
                };
                self.line(&format!("ch = channel.new({cap})"));
            }
            12 => {
                let n = self.bytes.count();
                let v = self.value(Scope {
                    has_i: true,
                    ..scope
                });
                self.line(&format!(
                    "for i = 1, {n} do if channel.select({{ ch:case_send({v}), default = true }}).default then break end end"
                ));
            }
            13 => {
                let n = self.bytes.count();
                self.line(&format!(
                    "for i = 1, {n} do local r = channel.select {{ ch:case_receive(), default = true }} if r.default then break end keep[#keep + 1] = r.value end"
                ));
            }
            14 => match self.bytes.below(3) {
                0 => self.line("pcall(function() ch:close() end)"),
                1 => self.line("keep[#keep + 1] = ch"),
                _ => self.line("ch = channel.new(1e9) for i = 1, 4 do ch:send(s) end"),
            },
            // Messages to itself.
            15 | 16 => {
                let v = self.value(scope);
                self.line(&format!("if process.send(me, \"fz\", {v}) then"));
                self.indent += 1;
                self.receive("keep[#keep + 1]");
                self.indent -= 1;
                self.line("end");
            }
            // Coroutines.
            17 if nest => {
                self.line("do");
                self.indent += 1;
                self.line("local co = coroutine.create(function(x)");
                self.nested(scope, None);
                self.line("  keep[#keep + 1] = coroutine.yield(s)");
                self.nested(scope, None);
                self.line("  return t");
                self.line("end)");
                self.line("local ok, v = coroutine.resume(co, s)");
                self.line("if ok then keep[#keep + 1] = v end");
                // Resuming a dead coroutine at the limit aborts the node (Lua's
                // `resume_error` allocates unprotected): reported, so avoided here.
                self.line("if coroutine.status(co) == \"suspended\" then ok, v = coroutine.resume(co, t) end");
                self.line("if not ok then e = v end");
                self.indent -= 1;
                self.line("end");
            }
            18 if nest => {
                self.line("do");
                self.indent += 1;
                self.line("local f = coroutine.wrap(function()");
                self.nested(scope, None);
                self.line("  coroutine.yield(s)");
                self.line("  return t");
                self.line("end)");
                self.line("keep[#keep + 1] = f()");
                self.line("keep[#keep + 1] = f()");
                self.indent -= 1;
                self.line("end");
            }
            19 if nest && !self.strict => {
                self.spawns = true;
                self.line("do");
                self.indent += 1;
                self.line("local body = function()");
                self.nested(scope, None);
                self.line("end");
                self.line("alive = alive + 1");
                self.line("coroutine.spawn(function() pcall(body) alive = alive - 1 end)");
                self.indent -= 1;
                self.line("end");
            }
            // Recursion.
            20 => {
                let text = match self.bytes.below(3) {
                    0 => format!(
                        "do local function rec(k) if k == 0 then return {{ s }} end local r = rec(k - 1) return r end keep[#keep + 1] = rec({}) end",
                        self.bytes.size().min(1 << 20)
                    ),
                    1 => format!(
                        "do local function prec(k) if k > 0 then pcall(prec, k - 1) end end prec({}) end",
                        self.bytes.below(400)
                    ),
                    _ => format!(
                        "do local function cor(k) if k > 0 then coroutine.wrap(cor)(k - 1) end end cor({}) end",
                        self.bytes.below(300)
                    ),
                };
                self.line(&text);
            }
            // Protected calls around blocks.
            21 | 22 if nest => {
                let handler = match self.bytes.below(4) {
                    0 => None,
                    1 => Some("function(m) keep[#keep + 1] = m return m end".to_owned()),
                    2 => Some(format!(
                        "function(m) return string.rep(\"h\", {}) .. tostring(m) end",
                        self.bytes.size()
                    )),
                    _ => Some("function(m) error(\"fzboom in handler\") end".to_owned()),
                };
                self.line("do");
                self.indent += 1;
                let call = if handler.is_some() { "xpcall" } else { "pcall" };
                self.line(&format!("local ok, err = {call}(function()"));
                self.nested(scope, None);
                match &handler {
                    Some(h) => self.line(&format!("end, {h})")),
                    None => self.line("end)"),
                }
                self.line("if not ok then e = err end");
                self.indent -= 1;
                self.line("end");
            }
            // Loops over blocks, up to 64 turns of the innermost block in all.
            23 if nest && scope.repeats < 32 => {
                let n = 1 + self.bytes.below(64 / scope.repeats);
                self.line(&format!("for i = 1, {n} do"));
                self.nested(scope, Some(n));
                self.line("end");
            }
            // Errors.
            24 => {
                let text = match self.bytes.below(4) {
                    0 => "e = errors.new(s)",
                    1 => {
                        "e = errors.new({ message = \"fz \" .. s, kind = errors.INVALID, details = { n = #s, s = s } })"
                    }
                    2 => "e = errors.wrap(type(e) == \"userdata\" and e or errors.new(\"fz\"), s)",
                    _ => "keep[#keep + 1] = errors.wrap(errors.new(s), s)",
                };
                self.line(text);
            }
            25 => {
                let text = match self.bytes.below(5) {
                    0 => "error(\"fzboom\")",
                    1 => "error(errors.new(\"fzboom \" .. #s))",
                    2 => "error({ message = \"fzboom\", s = s })",
                    3 => "error(errors.wrap(errors.new(\"fzboom\"), s))",
                    _ => "error(\"fzboom \" .. s)",
                };
                // Not in every block: a raise ends the block.
                self.line(&format!("if #keep % 3 == 0 then {text} end"));
            }
            // JSON, payloads, loggers.
            26 => {
                let text = match self.bytes.below(4) {
                    0 => "j = json.encode(t)",
                    1 => "j = json.encode({ s, s, t })",
                    2 => "if type(j) == \"string\" then keep[#keep + 1] = json.decode(j) end",
                    _ => "j = json.encode(keep)",
                };
                self.line(text);
            }
            27 => {
                let text = match self.bytes.below(4) {
                    0 => "keep[#keep + 1] = payload.new(t)",
                    1 => "do local p = payload.new(s) if p then keep[#keep + 1] = p:data() end end",
                    2 => {
                        "do local p = payload.new({ s, t }) if p then keep[#keep + 1] = (p:transcode(payload.format.JSON)) end end"
                    }
                    _ => "keep[#keep + 1] = logger:with({ f = s })",
                };
                self.line(text);
            }
            // Other processes, time.
            28 => {
                let v = self.value(scope);
                self.line(&format!(
                    "keep[#keep + 1] = process.spawn(\"fz:child\", \"fz:processes\", {v})"
                ));
            }
            29 => self.line("time.sleep(\"1ms\")"),
            30 if !self.strict => {
                // Topics hold Rust memory until unlistened: not in strict programs.
                let text = match self.bytes.below(2) {
                    0 => {
                        "do local l = process.listen(\"fz\" .. #s) keep[#keep + 1] = l process.unlisten(l) end"
                    }
                    _ => "keep[#keep + 1] = process.listen(s)",
                };
                self.line(text);
            }
            32 => {
                let v = self.value(scope);
                self.line(&format!(
                    "do local pid = process.spawn_monitored(\"fz:echo\", \"fz:processes\", {v})"
                ));
                self.line("  if pid then local r = channel.select { events:case_receive(), time.after(\"2s\"):case_receive() } if r.channel == events and r.value then keep[#keep + 1] = r.value.result end end end");
            }
            33 => {
                let text = match self.bytes.below(5) {
                    0 => "j = yaml.encode(t)",
                    1 => "keep[#keep + 1] = base64.encode(s)",
                    2 => "keep[#keep + 1] = base64.decode(base64.encode(s))",
                    3 => "keep[#keep + 1] = hash.sha256(s)",
                    _ => "if type(j) == \"string\" then keep[#keep + 1] = yaml.decode(j) end",
                };
                self.line(text);
            }
            // Timers and names hold Rust memory while they live: not in strict programs.
            34 if !self.strict => {
                let n = self.bytes.count();
                self.line(&format!(
                    "for i = 1, {n} do keep[#keep + 1] = time.after(\"1h\") end"
                ));
            }
            35 if !self.strict => {
                self.line("keep[#keep + 1] = process.registry.register(s .. #keep)")
            }
            31 => {
                let n = self.bytes.count();
                self.line(&format!(
                    "for i = 1, {n} do keep[#keep + 1] = {{ i, tostring(i), {{}} }} end"
                ));
            }
            _ => {
                let n = self.bytes.size();
                self.line(&format!("keep[#keep + 1] = string.rep(\"m\", {n})"));
            }
        }
    }
}

/// The generated program, its memory limit, and whether it is strict.
struct Program {
    source: String,
    limit_mb: usize,
    strict: bool,
}

fn generate(data: &[u8]) -> Program {
    let mut bytes = Bytes { data, at: 0 };
    let limit_mb = 1 + usize::from(bytes.byte() % 16);
    let strict = bytes.byte() % 2 == 0;
    let mut g = Gen {
        bytes,
        out: String::new(),
        ops: 0,
        strict,
        spawns: false,
        indent: if strict { 2 } else { 1 },
    };
    // The body first, to know whether receives need a timeout; then the whole text.
    while g.ops < MAX_OPS && !g.bytes.done() {
        g.block(Scope {
            depth: 0,
            has_i: false,
            repeats: 1,
        });
    }
    let (body, spawns) = (g.out, g.spawns);
    let mut source = String::from(
        "local json = require(\"json\")\nlocal time = require(\"time\")\nlocal logger = require(\"logger\")\nlocal yaml = require(\"yaml\")\nlocal base64 = require(\"base64\")\nlocal hash = require(\"hash\")\n\nlocal function main()\n  local keep, s, t, ch, e, j, alive = {}, \"seed\", {}, channel.new(4), nil, nil, 0\n  local me, inbox, events = process.pid(), process.inbox(), process.events()\n",
    );
    if spawns {
        source.insert_str(
            0,
            "-- (receives wait with a timeout: spawned coroutines may take main's messages)\n",
        );
    }
    if strict {
        source.push_str("  local ok, err = pcall(function()\n");
        source.push_str(&body);
        source.push_str(
            "  end)\n\
             \x20 -- What the body caught must be a real error.\n\
             \x20 local odd = nil\n\
             \x20 if not ok and type(err) == \"string\" and not (err:find(\"memory\", 1, true) or err:find(\"fzboom\", 1, true) or err:find(\"stack overflow\", 1, true)) then\n\
             \x20   odd = \"odd: \" .. err:sub(1, 300)\n\
             \x20 end\n\
             \x20 -- Drop everything the body made; what it caught must not fail what follows.\n\
             \x20 keep, s, t, ch, e, j, err = nil, nil, nil, nil, nil, nil, nil\n\
             \x20 while not channel.select({ inbox:case_receive(), default = true }).default do end\n\
             \x20 while not channel.select({ events:case_receive(), default = true }).default do end\n\
             \x20 local tail = {}\n\
             \x20 for i = 1, 200 do tail[i] = string.rep(\"t\", 100) .. i end\n\
             \x20 return odd or \"fz-ok\"\n",
        );
    } else {
        source.push_str(&body);
        source.push_str(
            "  for _ = 1, 400 do\n    if alive <= 0 then break end\n    time.sleep(\"1ms\")\n  end\n  return \"fz-ok\"\n",
        );
    }
    source.push_str("end\n\nreturn { main = main }\n");
    let _ = write!(
        source,
        "-- limit {limit_mb} MiB, {}\n",
        if strict { "strict" } else { "loose" }
    );
    Program {
        source,
        limit_mb,
        strict,
    }
}

const CHILD: &str = "local function main(a)\n  return type(a)\nend\nreturn { main = main }\n";
const ECHO: &str = "local function main(a)\n  return { a, a }\nend\nreturn { main = main }\n";
const TRIVIAL: &str = "local function main()\n  local t = {}\n  for i = 1, 100 do t[i] = tostring(i) end\n  return \"alive\"\nend\nreturn { main = main }\n";

fn entry(yaml: &mut String, name: &str, source: &str) {
    let _ = write!(
        yaml,
        "  - name: {name}\n    kind: process.lua\n    method: main\n    modules: [json, time, logger, yaml, base64, hash]\n    source: |\n"
    );
    for line in source.lines() {
        let _ = writeln!(yaml, "      {line}");
    }
}

/// The program and its limit, for a failure's message.
fn describe(p: &Program) -> String {
    format!(
        "--- program (limit {} MiB, {}) ---\n{}--- end ---",
        p.limit_mb,
        if p.strict { "strict" } else { "loose" },
        p.source
    )
}

fn real_error(text: &str) -> bool {
    text.contains("memory")
        || text.contains("fzboom")
        || text.contains("stack overflow")
        || stopped_in_c(text)
}

/// The runtime stops a process that runs a whole second past its slice inside a C
/// function (a long pattern match, a `table.sort` comparator), and no `pcall` catches
/// that. The instrumented build is slow enough for a pattern match over a few MB.
fn stopped_in_c(text: &str) -> bool {
    text.contains("past its time slice")
}

fn run(p: &Program) {
    let mut yaml = String::from(
        "version: \"1.0\"\nnamespace: fz\n\nentries:\n\
         \x20 - name: processes\n    kind: process.host\n    host:\n      workers: 2\n    lifecycle:\n      auto_start: true\n",
    );
    entry(&mut yaml, "prog", &p.source);
    entry(&mut yaml, "child", CHILD);
    entry(&mut yaml, "echo", ECHO);
    entry(&mut yaml, "trivial", TRIVIAL);
    let entries = parse_file(Path::new("/fz/_index.yaml"), &yaml)
        .unwrap_or_else(|e| panic!("registry: {e}\n{}", describe(p)));
    let registry = Registry::from_entries(entries)
        .unwrap_or_else(|e| panic!("registry: {e}\n{}", describe(p)));
    let runtime = Runtime::new(registry);
    let env = wippy_lua::install(
        &runtime,
        LuaOptions::default().memory_limit(p.limit_mb << 20),
    );
    if let Err(errors) = env.compiler.precompile(&runtime.registry()) {
        let text: Vec<&str> = errors.iter().map(|e| e.message()).collect();
        panic!("does not compile: {}\n{}", text.join("\n"), describe(p));
    }
    runtime
        .start()
        .unwrap_or_else(|e| panic!("runtime start: {e}"));

    let waiter = ExitWaiter::new();
    runtime
        .spawn(SpawnSpec::new("fz:prog", "fz:processes").waiter(waiter.clone()))
        .unwrap_or_else(|e| panic!("spawn: {e}\n{}", describe(p)));
    match waiter.wait_timeout(PROGRAM_LIMIT) {
        None => panic!(
            "the program did not end within {PROGRAM_LIMIT:?}\n{}",
            describe(p)
        ),
        Some(Outcome::Normal(Payload::Str(text))) if &text[..] == b"fz-ok" => {}
        Some(Outcome::Normal(other)) => {
            panic!("the program returned {other:?}\n{}", describe(p))
        }
        Some(Outcome::Error(error)) => {
            let message = error.message();
            let shown: String = message.chars().take(500).collect();
            if p.strict && !stopped_in_c(message) {
                panic!(
                    "a strict program failed outside its pcall: {shown}\nstack: {}\n{}",
                    error.stack().unwrap_or(""),
                    describe(p)
                );
            }
            if !real_error(message) {
                panic!(
                    "the program failed with an unexpected error: {shown}\nstack: {}\n{}",
                    error.stack().unwrap_or(""),
                    describe(p)
                );
            }
        }
    }

    // The node still runs processes.
    let waiter = ExitWaiter::new();
    runtime
        .spawn(SpawnSpec::new("fz:trivial", "fz:processes").waiter(waiter.clone()))
        .unwrap_or_else(|e| panic!("spawn of the trivial process: {e}\n{}", describe(p)));
    match waiter.wait_timeout(TRIVIAL_LIMIT) {
        Some(Outcome::Normal(Payload::Str(text))) if &text[..] == b"alive" => {}
        other => panic!(
            "the trivial process after the program: {other:?}\n{}",
            describe(p)
        ),
    }

    // And shuts down.
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let stopping = runtime.clone();
    let thread = std::thread::spawn(move || {
        stopping.shutdown(Duration::from_millis(200));
        let _ = done_tx.send(());
    });
    if done_rx.recv_timeout(SHUTDOWN_LIMIT).is_err() {
        panic!(
            "the runtime did not shut down within {SHUTDOWN_LIMIT:?}\n{}",
            describe(p)
        );
    }
    let _ = thread.join();
}

fuzz_target!(|data: &[u8]| {
    let program = generate(data);
    if std::env::var_os("LUA_MEMORY_LIMIT_PRINT").is_some() {
        eprintln!("{}", describe(&program));
    }
    run(&program);
});
