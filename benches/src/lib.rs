//! Criterion benchmarks for the wippy crates (see `benches/`), and the shared setup of
//! the Lua benchmarks: a runtime over a registry written to a temporary directory.

use std::path::PathBuf;
use std::time::Duration;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;
use wippy_runtime::pid::Pid;
use wippy_runtime::process::ExitWaiter;
use wippy_runtime::registry::Registry;
use wippy_runtime::{Runtime, SpawnSpec};

/// The benchmark registry: one process host and the Lua programs the benches run. The
/// host has one worker per CPU, or `WIPPY_BENCH_WORKERS` workers when that is set (one
/// worker gives the CPU cost per operation without cross-worker effects).
pub const REGISTRY: &str = r#"
version: "1.0"
namespace: b
entries:
  - {name: procs, kind: process.host, lifecycle: {auto_start: true}}
  - {name: procs2, kind: process.host, lifecycle: {auto_start: true}}
  - {name: noop, kind: process.lua, source: file://noop.lua, method: main}
  - {name: idle, kind: process.lua, source: file://idle.lua, method: main}
  - {name: swarm, kind: process.lua, source: file://swarm.lua, method: main}
  - {name: ponger, kind: process.lua, source: file://ponger.lua, method: main}
  - {name: ping, kind: process.lua, source: file://ping.lua, method: main}
  - {name: spawner, kind: process.lua, source: file://spawner.lua, method: main}
  - {name: relay, kind: process.lua, source: file://relay.lua, method: main}
  - {name: worker, kind: process.lua, source: file://worker.lua, method: main}
  - {name: client, kind: process.lua, source: file://client.lua, method: main}
  - {name: clients, kind: process.lua, source: file://clients.lua, method: main}
  - {name: parts, kind: process.lua, source: file://parts.lua, method: main}
  - {name: args_noop, kind: process.lua, source: file://args_noop.lua, method: main}
  - {name: reply_int, kind: process.lua, source: file://reply_int.lua, method: main}
  - {name: reply_table, kind: process.lua, source: file://reply_table.lua, method: main}
"#;

/// The Lua programs, by file name.
pub const PROGRAMS: &[(&str, &str)] = &[
    (
        "noop.lua",
        "local function main() return 0 end\nreturn { main = main }\n",
    ),
    (
        "idle.lua",
        "local function main(parent)\n  local inbox = process.inbox()\n  process.send(parent, \"up\", true)\n  inbox:receive()\n  return 0\nend\nreturn { main = main }\n",
    ),
    // Spawns n idle processes and returns once every one of them is up (blocked in receive).
    (
        "swarm.lua",
        "local function main(n)\n  local inbox = process.inbox()\n  local me = process.pid()\n  for i = 1, n do process.spawn(\"b:idle\", \"b:procs\", me) end\n  for i = 1, n do inbox:receive() end\n  return true\nend\nreturn { main = main }\n",
    ),
    (
        "ponger.lua",
        "local function main()\n  local inbox = process.inbox()\n  while true do\n    local m = inbox:receive()\n    process.send(m:from(), \"pong\", 1)\n  end\nend\nreturn { main = main }\n",
    ),
    (
        "ping.lua",
        "local function main(n, host)\n  local inbox = process.inbox()\n  local peer = process.spawn(\"b:ponger\", host or \"b:procs\")\n  for i = 1, n do\n    process.send(peer, \"ping\", i)\n    inbox:receive()\n  end\n  process.terminate(peer)\n  return true\nend\nreturn { main = main }\n",
    ),
    (
        "spawner.lua",
        "local function main(n)\n  local events = process.events()\n  for i = 1, n do\n    process.spawn_monitored(\"b:noop\", \"b:procs\")\n  end\n  for i = 1, n do\n    events:receive()\n  end\n  return true\nend\nreturn { main = main }\n",
    ),
    // The tutorial's relay and worker, without the stats coroutine, logging and sleep.
    (
        "relay.lua",
        "local function main()\n  local inbox = process.inbox()\n  local events = process.events()\n  process.registry.register(\"relay\")\n  while true do\n    local r = channel.select { inbox:case_receive(), events:case_receive() }\n    if r.channel ~= events then\n      local echo = r.value:payload():data()\n      process.spawn_monitored(\"b:worker\", \"b:procs\", echo.sender, echo.data)\n    end\n  end\nend\nreturn { main = main }\n",
    ),
    (
        "worker.lua",
        "local function main(sender, data)\n  process.send(sender, \"echo_response\", { data = string.upper(data), worker = process.pid() })\n  return 0\nend\nreturn { main = main }\n",
    ),
    (
        "client.lua",
        "local function main(n, parent)\n  local inbox = process.inbox()\n  local me = process.pid()\n  for i = 1, n do\n    process.send(\"relay\", \"echo\", { sender = me, data = \"hello\" })\n    inbox:receive()\n  end\n  if parent then process.send(parent, \"done\", true) end\n  return true\nend\nreturn { main = main }\n",
    ),
    (
        "clients.lua",
        "local function main(n, k)\n  local inbox = process.inbox()\n  for i = 1, k do\n    process.spawn(\"b:client\", \"b:procs\", n // k, process.pid())\n  end\n  for i = 1, k do inbox:receive() end\n  return true\nend\nreturn { main = main }\n",
    ),
    // The parts of an echo, one per loop, for instruction counts (`lua_workload part`).
    (
        "parts.lua",
        r#"local function main(part, n)
  local inbox = process.inbox()
  local events = process.events()
  local me = process.pid()
  local function spawn_and_wait(worker, replies)
    process.spawn_monitored(worker, "b:procs", me, "hello")
    events:receive()
    if replies then inbox:receive() end
  end
  for i = 1, n do
    if part == "send_int" then
      process.send(me, "echo", 1)
      inbox:receive()
    elseif part == "send_table" then
      process.send(me, "echo", { sender = me, data = "hello" })
      inbox:receive()
    elseif part == "select" then
      process.send(me, "echo", { sender = me, data = "hello" })
      channel.select { inbox:case_receive(), events:case_receive() }
    elseif part == "select_data" then
      process.send(me, "echo", { sender = me, data = "hello" })
      local r = channel.select { inbox:case_receive(), events:case_receive() }
      local echo = r.value:payload():data()
    elseif part == "spawn_noop" then
      spawn_and_wait("b:args_noop", false)
    elseif part == "spawn_reply_int" then
      spawn_and_wait("b:reply_int", true)
    elseif part == "spawn_reply_table" then
      spawn_and_wait("b:reply_table", true)
    elseif part == "spawn_echo_worker" then
      spawn_and_wait("b:worker", true)
    elseif part == "relay_to_self" then
      process.send(me, "echo", { sender = me, data = "hello" })
      local r = channel.select { inbox:case_receive(), events:case_receive() }
      local echo = r.value:payload():data()
      process.spawn_monitored("b:worker", "b:procs", echo.sender, echo.data)
      channel.select { events:case_receive() }
      inbox:receive()
    else
      error("unknown part " .. tostring(part))
    end
  end
  return true
end
return { main = main }
"#,
    ),
    (
        "args_noop.lua",
        "local function main(sender, data)\n  return 0\nend\nreturn { main = main }\n",
    ),
    (
        "reply_int.lua",
        "local function main(sender, data)\n  process.send(sender, \"echo_response\", 1)\n  return 0\nend\nreturn { main = main }\n",
    ),
    (
        "reply_table.lua",
        "local function main(sender, data)\n  process.send(sender, \"echo_response\", { data = data, worker = sender })\n  return 0\nend\nreturn { main = main }\n",
    ),
];

/// A started runtime over the benchmark registry (Lua installed).
pub fn runtime() -> Runtime {
    let dir = std::env::temp_dir().join(format!("wippy-bench-{}", std::process::id()));
    write_programs(&dir);
    let registry = Registry::load_dir(&dir).expect("bench registry loads");
    let runtime = Runtime::new(registry);
    wippy_lua::install(&runtime, wippy_lua::LuaOptions::default());
    runtime.start().expect("bench entries start");
    runtime
}

fn write_programs(dir: &PathBuf) {
    std::fs::create_dir_all(dir).expect("temp dir");
    let registry = match std::env::var("WIPPY_BENCH_WORKERS") {
        Ok(n) => REGISTRY.replace(
            "kind: process.host,",
            &format!("kind: process.host, host: {{workers: {n}}},"),
        ),
        Err(_) => REGISTRY.to_owned(),
    };
    std::fs::write(dir.join("_index.yaml"), registry).expect("write registry");
    for (name, code) in PROGRAMS {
        std::fs::write(dir.join(name), code).expect("write program");
    }
}

/// Spawns the echo relay (`b:relay`) and returns its PID once it has registered its name.
///
/// # Panics
///
/// When the relay cannot be spawned (a broken benchmark registry).
pub fn start_relay(runtime: &Runtime) -> Pid {
    let relay = runtime
        .spawn(SpawnSpec::new("b:relay", "b:procs"))
        .expect("relay spawns");
    while runtime.lookup("relay").is_err() {
        std::thread::sleep(Duration::from_millis(1));
    }
    relay
}

/// Runs `entry` with `args` to its end and returns how long it took (also printed to
/// stderr when `WIPPY_BENCH_BATCHES` is set, to see the spread of single batches).
///
/// # Panics
///
/// When the program fails or takes longer than ten minutes (a broken benchmark).
pub fn run(runtime: &Runtime, entry: &str, args: Vec<Payload>) -> Duration {
    let waiter = ExitWaiter::new();
    let start = std::time::Instant::now();
    runtime
        .spawn(
            SpawnSpec::new(entry, "b:procs")
                .args(args)
                .waiter(waiter.clone()),
        )
        .expect("bench program spawns");
    match waiter.wait_timeout(Duration::from_secs(600)) {
        Some(Outcome::Normal(_)) => {
            let took = start.elapsed();
            if std::env::var_os("WIPPY_BENCH_BATCHES").is_some() {
                eprintln!("batch {entry} {:.3} ms", took.as_secs_f64() * 1e3);
            }
            took
        }
        other => panic!("{entry} did not finish normally: {other:?}"),
    }
}
