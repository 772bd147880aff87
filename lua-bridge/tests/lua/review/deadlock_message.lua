-- A process whose coroutines are all blocked with nothing pending fails with the
-- original's DeadlockError text "all coroutines blocked with no pending operations"
-- (reference §1.4).
local receive = require("wait").receive

local function main(role)
  if role == "stuck" then
    channel.new():receive()
    return "unreachable"
  end
  local events = process.events()
  local pid = assert(process.spawn_monitored(process.id(), "test:processes", "stuck"))
  local ev = receive(events)
  if ev.from ~= pid or ev.result.error == nil then
    return false, "stuck process did not fail"
  end
  local msg = ev.result.error:message()
  if not msg:find("all coroutines blocked with no pending operations", 1, true) then
    return false, "deadlock error: " .. msg
  end
  return true
end

return { main = main }
