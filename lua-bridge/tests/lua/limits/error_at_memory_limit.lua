-- (Run with a 16 MiB per-process limit.) A process that raises an error while its
-- memory is full to the limit ends with that error and its traceback: tracing its stack
-- (outside any protected call) needs memory, and used to meet Lua's memory error with
-- nothing to catch it, which aborts the whole program.
local wait = require("wait")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:error_at_limit_worker", "test:processes"))
  local ev = wait.receive(events, "8s")
  assert(ev.from == pid, "an event of another process")
  assert(ev.result.error ~= nil, "the worker did not fail: " .. tostring(ev.result.value))
  local message = ev.result.error:message()
  assert(message == "boom at the limit", "it failed otherwise: " .. message)
  local stack = ev.result.error:stack()
  assert(stack and stack:find("error_at_limit_worker", 1, true), "no traceback: " .. tostring(stack))
  return true
end

return { main = main }
