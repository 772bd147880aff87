-- A router reads through its storages in order (the OS environment behind memory) and
-- writes to its first; get_all lists every storage's variables, the OS's included; a
-- value set in one process is seen by another.
local env = require("env")
local time = require("time")

local function main()
  local path, err = env.get("PATH")
  assert(err == nil and type(path) == "string" and #path > 0, "PATH: " .. tostring(err))

  assert(env.set("ROUTED_VAR", "router_value"))
  assert(env.get("ROUTED_VAR") == "router_value")

  local all, all_err = env.get_all()
  assert(all_err == nil and type(all) == "table")
  assert(all.PATH == path, "get_all PATH")
  assert(all.ROUTED_VAR == "router_value", "get_all ROUTED_VAR")
  assert(all.STATIC_GREETING == "hello", "get_all STATIC_GREETING")

  -- Another process reads what this one set.
  assert(env.set("TEST_VAR", "shared"))
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:env_reader_worker", "test:processes", "TEST_VAR"))
  local deadline = time.after("5s")
  while true do
    local r = channel.select { events:case_receive(), deadline:case_receive() }
    assert(r.channel == events, "no EXIT from the reader")
    if r.value.from == pid then
      assert(r.value.result and r.value.result.value == "shared",
        "reader saw " .. tostring(r.value.result and r.value.result.value))
      return true
    end
  end
end

return { main = main }
