//! Which entries boot at once: a static check of a chunk's top level.
//!
//! A `process.spawn*` call returns once the child has *booted*: its chunk's top level has
//! run and the entry's method was found, as the original's spawn runs both before it
//! returns, so that a script failing there fails the spawn (`nil, err`). Waiting for that
//! costs the spawner a suspension and a wake-up. Most entries' top levels cannot fail: they
//! define local functions, build a table or two, `require` a module of the runtime and
//! return their exports. For those, the spawn counts the child as booted at once and
//! does not wait.
//!
//! [`boots_at_once`] reads the main function of the chunk's stripped bytecode (Lua 5.4's
//! dump format, `ldump.c`) and follows its registers through straight-line code. It
//! answers `true` only when every instruction is one of a few that cannot raise, block
//! or loop, and the value returned holds a function under the method's name. Anything it
//! does not know (a jump, an arithmetic operation, a call other than `require` of a
//! module that cannot fail to load, a field read) answers `false`: the spawn then waits
//! for the boot, which is always right, only slower.
//!
//! Owned by the compiler (`compile.rs`), which runs it once per compiled entry.

use rustc_hash::FxHashMap;

/// The opcodes this check accepts (`lopcodes.h` of Lua 5.4; the others are refused).
mod op {
    pub(super) const MOVE: u32 = 0;
    pub(super) const LOADI: u32 = 1;
    pub(super) const LOADF: u32 = 2;
    pub(super) const LOADK: u32 = 3;
    pub(super) const LOADKX: u32 = 4;
    pub(super) const LOADFALSE: u32 = 5;
    pub(super) const LOADTRUE: u32 = 7;
    pub(super) const LOADNIL: u32 = 8;
    pub(super) const GETUPVAL: u32 = 9;
    pub(super) const GETTABUP: u32 = 11;
    pub(super) const SETTABUP: u32 = 15;
    pub(super) const SETI: u32 = 17;
    pub(super) const SETFIELD: u32 = 18;
    pub(super) const NEWTABLE: u32 = 19;
    pub(super) const CALL: u32 = 68;
    pub(super) const RETURN: u32 = 70;
    pub(super) const RETURN1: u32 = 72;
    pub(super) const SETLIST: u32 = 78;
    pub(super) const CLOSURE: u32 = 79;
    pub(super) const VARARGPREP: u32 = 81;
    pub(super) const EXTRAARG: u32 = 82;
}

/// What a register (or a global set by the chunk) is known to hold.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Known {
    /// Anything (a module, a global read).
    Unknown,
    /// A function made by the chunk (`CLOSURE`).
    Function,
    /// A table made by the chunk (`NEWTABLE`), by its index in [`Chunk::tables`]: it has
    /// no metatable, so setting a field with a constant key cannot raise.
    Table(usize),
    /// The string constant of this index.
    Text(usize),
    /// The global `require`, read from the globals table (the chunk has set no global
    /// of that name).
    Require,
}

/// The constants of the main function: strings by index (others are `None`).
type Constants = Vec<Option<String>>;

/// The main function of a chunk: its code and constants.
struct Chunk {
    code: Vec<u32>,
    constants: Constants,
}

/// A reader over a dump.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    /// `dumpSize`: 7 bits per byte, most significant first, the last byte marked.
    fn size(&mut self) -> Option<usize> {
        let mut x: usize = 0;
        loop {
            let b = self.byte()?;
            x = x.checked_mul(128)?.checked_add(usize::from(b & 0x7f))?;
            if b & 0x80 != 0 {
                return Some(x);
            }
        }
    }

    /// `dumpString`: a size one above the length (0: no string), then the bytes.
    fn string(&mut self) -> Option<Option<String>> {
        match self.size()? {
            0 => Some(None),
            n => {
                let bytes = self.take(n - 1)?;
                Some(Some(String::from_utf8_lossy(bytes).into_owned()))
            }
        }
    }
}

/// The main function's code and constants, from a Lua 5.4 dump; `None` for anything
/// else (another version or format, a short dump).
fn read_main(dump: &[u8]) -> Option<Chunk> {
    let mut r = Reader { bytes: dump, at: 0 };
    // Signature, version 5.4, official format, the conversion check bytes.
    if r.take(4)? != b"\x1bLua" || r.byte()? != 0x54 || r.byte()? != 0 {
        return None;
    }
    if r.take(6)? != b"\x19\x93\r\n\x1a\n" {
        return None;
    }
    // Sizes of an instruction, an integer and a number.
    if r.take(3)? != [4, 8, 8] {
        return None;
    }
    // `LUAC_INT` and `LUAC_NUM` (in this machine's byte order), the count of upvalues.
    r.take(8 + 8 + 1)?;
    // source, linedefined, lastlinedefined, numparams, is_vararg, maxstacksize.
    r.string()?;
    r.size()?;
    r.size()?;
    r.take(3)?;
    let n = r.size()?;
    let code = r
        .take(n.checked_mul(4)?)?
        .chunks_exact(4)
        .map(|w| u32::from_ne_bytes([w[0], w[1], w[2], w[3]]))
        .collect();
    let n = r.size()?;
    let mut constants = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        let constant = match r.byte()? {
            // nil, false, true.
            0 | 1 | 17 => None,
            // An integer, a float.
            3 | 19 => {
                r.take(8)?;
                None
            }
            // A short string, a long string.
            4 | 20 => r.string()?,
            _ => return None,
        };
        constants.push(constant);
    }
    Some(Chunk { code, constants })
}

/// The fields of an instruction (`lopcodes.h`: iABC, iABx, iAx).
#[derive(Clone, Copy)]
struct Instruction(u32);

impl Instruction {
    fn op(self) -> u32 {
        self.0 & 0x7f
    }
    fn a(self) -> usize {
        ((self.0 >> 7) & 0xff) as usize
    }
    fn k(self) -> bool {
        (self.0 >> 15) & 1 != 0
    }
    fn b(self) -> usize {
        ((self.0 >> 16) & 0xff) as usize
    }
    fn c(self) -> usize {
        ((self.0 >> 24) & 0xff) as usize
    }
    fn bx(self) -> usize {
        (self.0 >> 15) as usize
    }
}

/// What the check needs to know of the entry.
pub(crate) struct Rules<'a> {
    /// The method a process calls (`main` without `method:`).
    pub(crate) method: &'a str,
    /// Whether `require(name)` cannot fail (a module of the runtime the entry may load).
    pub(crate) require_cannot_fail: &'a dyn Fn(&str) -> bool,
    /// Whether reading the global `name` cannot fail (it is no `imports:` alias, whose
    /// library would load, and no listed module that could fail to).
    pub(crate) global_read_cannot_fail: &'a dyn Fn(&str) -> bool,
}

/// Whether the chunk in `dump` (a stripped or unstripped Lua 5.4 dump) boots at once:
/// its top level can neither raise, wait nor loop, and returns a function, or a table
/// with a function under `rules.method` (see the module docs). Memory running out is
/// the one failure left, as anywhere.
pub(crate) fn boots_at_once(dump: &[u8], rules: &Rules<'_>) -> bool {
    read_main(dump).is_some_and(|chunk| check(&chunk, rules))
}

fn check(chunk: &Chunk, rules: &Rules<'_>) -> bool {
    let text = |k: usize| chunk.constants.get(k).and_then(Option::as_deref);
    let mut regs: Vec<Known> = Vec::new();
    // The fields set on each table the chunk made (constant keys only).
    let mut tables: Vec<FxHashMap<&str, Known>> = Vec::new();
    // The globals the chunk set.
    let mut globals: FxHashMap<&str, Known> = FxHashMap::default();
    let mut pc = 0;
    while let Some(&word) = chunk.code.get(pc) {
        let i = Instruction(word);
        pc += 1;
        let a = i.a();
        if regs.len() < a + 2 {
            regs.resize(a + 2, Known::Unknown);
        }
        let reg = |regs: &Vec<Known>, r: usize| regs.get(r).copied().unwrap_or(Known::Unknown);
        match i.op() {
            op::VARARGPREP => {}
            op::MOVE => regs[a] = reg(&regs, i.b()),
            op::LOADK => regs[a] = Known::Text(i.bx()),
            op::LOADI | op::LOADF | op::LOADFALSE | op::LOADTRUE => regs[a] = Known::Unknown,
            op::LOADKX => {
                // Its constant's index is in the next instruction.
                if chunk.code.get(pc).map(|&w| Instruction(w).op()) != Some(op::EXTRAARG) {
                    return false;
                }
                pc += 1;
                regs[a] = Known::Unknown;
            }
            op::LOADNIL => {
                let last = a + i.b();
                if regs.len() <= last {
                    regs.resize(last + 1, Known::Unknown);
                }
                regs[a..=last].fill(Known::Unknown);
            }
            op::CLOSURE => regs[a] = Known::Function,
            op::NEWTABLE => {
                // Always followed by its EXTRAARG.
                if chunk.code.get(pc).map(|&w| Instruction(w).op()) != Some(op::EXTRAARG) {
                    return false;
                }
                pc += 1;
                tables.push(FxHashMap::default());
                regs[a] = Known::Table(tables.len() - 1);
            }
            op::SETFIELD => {
                let (Known::Table(t), Some(key)) = (regs[a], text(i.b())) else {
                    return false;
                };
                let value = if i.k() {
                    Known::Unknown
                } else {
                    reg(&regs, i.c())
                };
                tables[t].insert(key, value);
            }
            op::SETI => {
                if !matches!(regs[a], Known::Table(_)) {
                    return false;
                }
            }
            op::SETLIST => {
                // B = 0: up to the top of the stack (after a call with all its results).
                if !matches!(regs[a], Known::Table(_)) || i.b() == 0 {
                    return false;
                }
                if i.k() {
                    if chunk.code.get(pc).map(|&w| Instruction(w).op()) != Some(op::EXTRAARG) {
                        return false;
                    }
                    pc += 1;
                }
            }
            // The main function's one upvalue is `_ENV`, the globals table: a read of
            // it, or of one of its fields, runs at most the lazy `__index`.
            op::GETUPVAL => regs[a] = Known::Unknown,
            op::GETTABUP => {
                let Some(name) = text(i.c()) else {
                    return false;
                };
                regs[a] = match globals.get(name) {
                    Some(known) => *known,
                    None if name == "require" => Known::Require,
                    None if (rules.global_read_cannot_fail)(name) => Known::Unknown,
                    None => return false,
                };
            }
            // A global set: the globals table has no `__newindex`.
            op::SETTABUP => {
                let Some(name) = text(i.b()) else {
                    return false;
                };
                let value = if i.k() {
                    Known::Unknown
                } else {
                    reg(&regs, i.c())
                };
                globals.insert(name, value);
            }
            op::CALL => {
                // `require("name")`, its one result kept (C = 2) or dropped (C = 1).
                let module = match (regs[a], reg(&regs, a + 1), i.b(), i.c()) {
                    (Known::Require, Known::Text(k), 2, 1 | 2) => text(k),
                    _ => None,
                };
                if !module.is_some_and(|m| (rules.require_cannot_fail)(m)) {
                    return false;
                }
                regs[a] = Known::Unknown;
                regs[a + 1] = Known::Unknown;
            }
            op::RETURN | op::RETURN1 => {
                // RETURN's B is one above the number of values (0: to the top).
                if i.op() == op::RETURN && i.b() < 2 {
                    return false;
                }
                return match regs[a] {
                    Known::Function => true,
                    Known::Table(t) => tables[t].get(rules.method) == Some(&Known::Function),
                    _ => false,
                };
            }
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(source: &str) -> Vec<u8> {
        let lua = mlua::Lua::new_with(mlua::StdLib::NONE, mlua::LuaOptions::new()).unwrap();
        lua.load(source).into_function().unwrap().dump(true)
    }

    fn at_once(source: &str) -> bool {
        let require = |name: &str| matches!(name, "time" | "logger");
        let global = |name: &str| name != "mylib";
        let rules = Rules {
            method: "main",
            require_cannot_fail: &require,
            global_read_cannot_fail: &global,
        };
        boots_at_once(&dump(source), &rules)
    }

    #[test]
    fn the_tutorials_top_levels_boot_at_once() {
        assert!(at_once(
            "local time = require(\"time\")\nlocal function main(a, b) time.sleep('1s') end\nreturn { main = main }"
        ));
        assert!(at_once(
            "local logger = require('logger')\nlocal time = require('time')\nlocal stats = { messages = 0, workers_spawned = 0 }\nlocal function stats_reporter() end\nlocal function main() stats_reporter() end\nreturn { main = main }"
        ));
        assert!(at_once("return function() end"));
        assert!(at_once(
            "local M = {}\nfunction M.main() end\nM.other = 1\nreturn M"
        ));
        assert!(at_once(
            "function main() end\nreturn { main = main, list = { 1, 2, 'x' }, [1] = true }"
        ));
        assert!(at_once(
            "require('time')\nlocal s = string\nreturn { main = function() end }"
        ));
    }

    #[test]
    fn top_levels_that_can_fail_or_wait_do_not() {
        // Errors, calls, waits, loops.
        assert!(!at_once(
            "local x = nil\nlocal y = x.f\nreturn { main = function() end }"
        ));
        assert!(!at_once("error('boom')\nreturn { main = function() end }"));
        assert!(!at_once(
            "local got = process.inbox():receive()\nreturn { main = function() end }"
        ));
        assert!(!at_once(
            "while true do end\nreturn { main = function() end }"
        ));
        assert!(!at_once(
            "local n = 0\nfor i = 1, 3 do n = n + i end\nreturn { main = function() end }"
        ));
        // A module the entry may not load, a library that runs code.
        assert!(!at_once(
            "local json = require('json')\nreturn { main = function() end }"
        ));
        assert!(!at_once(
            "local l = mylib\nreturn { main = function() end }"
        ));
        assert!(!at_once(
            "local r = require\nlocal t = r('x')\nreturn { main = function() end }"
        ));
        // No method, or not a function.
        assert!(!at_once("return 42"));
        assert!(!at_once("return { run = function() end }"));
        assert!(!at_once("return { main = 1 }"));
        assert!(!at_once(
            "local t = { main = function() end }\nt.main = 2\nreturn t"
        ));
        assert!(!at_once("local function main() end"));
        assert!(!at_once("return"));
        // A global `require` replaced first, a metatable set.
        assert!(!at_once(
            "require = function() end\nrequire('time')\nreturn { main = function() end }"
        ));
        assert!(!at_once(
            "local t = setmetatable({}, {})\nreturn { main = function() end }"
        ));
    }

    #[test]
    fn anything_but_a_lua_54_dump_does_not() {
        let rules = Rules {
            method: "main",
            require_cannot_fail: &|_| true,
            global_read_cannot_fail: &|_| true,
        };
        let good = dump("return function() end");
        assert!(boots_at_once(&good, &rules));
        assert!(!boots_at_once(b"", &rules));
        assert!(!boots_at_once(b"return function() end", &rules));
        // The header is 32 bytes; only the main function's code and constants are read,
        // so a dump cut short is refused until they are whole, and taken from there on.
        let first = (0..=good.len())
            .find(|&cut| boots_at_once(&good[..cut], &rules))
            .expect("the whole dump is taken");
        assert!(first > 32, "taken at {first}");
        assert!((first..=good.len()).all(|cut| boots_at_once(&good[..cut], &rules)));
    }
}
