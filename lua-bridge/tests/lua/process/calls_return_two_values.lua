-- On success the process calls return two values, the result and nil, as the original's
-- command results do (`select("#", ...)` and `table.pack(...).n` show it).
local wait = require("wait")

local function count(...)
  return select("#", ...), (...)
end

local function main()
  local events = process.events()
  local me = process.pid()
  local n, v = count(process.send(me, "t", 1))
  assert(n == 2 and v == true, "send: " .. n)
  local pid
  n, pid = count(process.spawn_monitored("test:long_worker", "test:processes"))
  assert(n == 2 and type(pid) == "string", "spawn_monitored: " .. n)
  n = count(process.spawn("test:normal_worker", "test:processes"))
  assert(n == 2, "spawn: " .. n)
  for _, call in ipairs({ "link", "unlink", "unmonitor", "monitor" }) do
    n, v = count(process[call](pid))
    assert(n == 2 and v == true, call .. ": " .. n)
  end
  n, v = count(process.cancel(pid, "r"))
  assert(n == 2 and v == true, "cancel: " .. n)
  n, v = count(process.set_options({ trap_links = false }))
  assert(n == 2 and v == true, "set_options: " .. n)
  n, v = count(process.terminate(pid))
  assert(n == 2 and v == true, "terminate: " .. n)
  wait.receive(events)
  return true
end

return { main = main }
