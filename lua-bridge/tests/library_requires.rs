//! A `library.lua` entry's `require` resolves against the library's own `modules:` and
//! `imports:` (reference §2.2: both are fields of every Lua kind), not against those of
//! the process that imported it: at the library's top level, inside its functions called
//! later, and through `pcall(require, ...)`.

use std::path::PathBuf;
use std::time::Duration;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;
use wippy_runtime::process::ExitWaiter;
use wippy_runtime::registry::Registry;
use wippy_runtime::{Runtime, SpawnSpec};

const REGISTRY: &str = r#"
version: "1.0"
namespace: test
entries:
  - {name: processes, kind: process.host, host: {workers: 2}, lifecycle: {auto_start: true}}
  # The process lists no modules, and gives the alias `b` to another library than `la` does.
  - name: main
    kind: process.lua
    source: file://main.lua
    method: main
    imports: {a: test:la, b: test:other}
  - name: la
    kind: library.lua
    source: file://la.lua
    modules: [json]
    imports: {b: test:lb}
  - {name: lb, kind: library.lua, source: "return {v = 4}"}
  - {name: other, kind: library.lua, source: "return {v = 'other'}"}
  # The process lists json; its library does not.
  - name: leaky
    kind: process.lua
    source: "local l = require('l') return {main = function() return l.encode() end}"
    method: main
    modules: [json]
    imports: {l: test:needs_json}
  - name: needs_json
    kind: library.lua
    source: "return {encode = function() return require('json').encode(1) end}"
"#;

const MAIN: &str = r#"
local a = require("a")
local function main()
  -- The library's top level took `b` from its own imports, and json from its modules.
  assert(a.b_at_load == 4, "library's b at load: " .. tostring(a.b_at_load))
  assert(a.json_at_load == "[1,2]", "library's json at load: " .. tostring(a.json_at_load))
  -- Later, from inside the library's functions, directly and through pcall.
  assert(a.b_later() == 4, "library's b later")
  local ok, encoded = a.json_later()
  assert(ok and encoded == "true", "library's json through pcall: " .. tostring(encoded))
  -- The process's own alias `b` is another library, and json is not in its modules.
  assert(require("b").v == "other", "process's b")
  local refused, err = pcall(require, "json")
  assert(not refused and tostring(err):find("modules: of entry test:main", 1, true),
    "process's json: " .. tostring(err))
  return true
end
return { main = main }
"#;

const LA: &str = r#"
local b = require("b")
local json = require("json")
local lib = { b_at_load = b.v, json_at_load = json.encode({ 1, 2 }) }
function lib.b_later() return require("b").v end
function lib.json_later() return pcall(function() return require("json").encode(true) end) end
return lib
"#;

fn start(name: &str) -> (Runtime, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "wippy-library-requires-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("_index.yaml"), REGISTRY).unwrap();
    std::fs::write(dir.join("main.lua"), MAIN).unwrap();
    std::fs::write(dir.join("la.lua"), LA).unwrap();
    let runtime = Runtime::new(Registry::load_dir(&dir).unwrap());
    wippy_lua::install(&runtime, wippy_lua::LuaOptions::default());
    runtime.start().unwrap();
    (runtime, dir)
}

fn run(runtime: &Runtime, entry: &str) -> Option<Outcome> {
    let waiter = ExitWaiter::new();
    runtime
        .spawn(SpawnSpec::new(entry, "test:processes").waiter(waiter.clone()))
        .unwrap();
    waiter.wait_timeout(Duration::from_secs(20))
}

#[test]
fn a_library_requires_with_its_own_modules_and_imports() {
    let (runtime, dir) = start("own");
    let outcome = run(&runtime, "test:main");
    runtime.shutdown(Duration::from_millis(500));
    let _ = std::fs::remove_dir_all(dir);
    match outcome {
        Some(Outcome::Normal(Payload::Bool(true))) => {}
        Some(Outcome::Error(e)) => panic!("{}\n{}", e.message(), e.stack().unwrap_or("")),
        other => panic!("unexpected outcome {other:?}"),
    }
}

#[test]
fn a_library_cannot_use_the_modules_of_the_process_that_imports_it() {
    let (runtime, dir) = start("leaky");
    let outcome = run(&runtime, "test:leaky");
    runtime.shutdown(Duration::from_millis(500));
    let _ = std::fs::remove_dir_all(dir);
    match outcome {
        Some(Outcome::Error(e)) => assert!(
            e.message().contains(
                "module \"json\" is not allowed: add it to modules: of entry test:needs_json"
            ),
            "{}",
            e.message()
        ),
        other => panic!("expected the library's require to fail, got {other:?}"),
    }
}
