-- A call lives as long as its caller: when the caller ends, the function still running
-- for it is terminated (its EXIT comes to a monitor with an error).
local receive = require("wait").receive

local function main()
  local inbox = process.inbox()
  local events = process.events()
  local caller = process.spawn("test:async_caller_worker", "test:processes", process.pid())
  local fn_pid = receive(inbox):payload():data()
  assert(process.monitor(fn_pid))
  process.send(caller, "go", true)
  local exit = receive(events, "3s")
  if exit.kind ~= process.event.EXIT or exit.from ~= fn_pid or exit.result.error == nil then
    return false, "the function's EXIT: " .. tostring(exit.kind) .. " from " .. tostring(exit.from)
  end
  return true
end

return { main = main }
