-- When main returns, the process ends: its other coroutines are killed (a worker's
-- coroutine that would report after 100 ms never does).
local time = require("time")

local function main()
  local events = process.events()
  local late = process.listen("late")
  local pid = assert(process.spawn_monitored("test:orphan_worker", "test:processes", process.pid()))
  local ev = events:receive()
  if ev.kind ~= process.event.EXIT or ev.from ~= pid then
    return false, "no EXIT"
  end
  if ev.result.value ~= "main done" then
    return false, "worker result " .. tostring(ev.result.value)
  end
  local timeout = time.after("300ms")
  local r = channel.select { late:case_receive(), timeout:case_receive() }
  if r.channel == late then
    return false, "a coroutine outlived its process's main"
  end
  return true
end

return { main = main }
