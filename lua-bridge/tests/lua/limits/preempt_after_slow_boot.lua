-- A busy loop is preempted (and so can be terminated) even when its process spent
-- its first time slice loading the script: here the worker's top level computes for
-- ~30 ms, longer than a slice, before main starts looping.
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:slow_boot_busy_worker", "test:processes"))
  time.sleep("150ms")
  -- With the other host worker free, this process still runs; the looper must too
  -- be stoppable.
  assert(process.terminate(pid))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "terminate did not end the busy loop: it is never preempted"
  end
  if r.value.from ~= pid or r.value.result.error == nil then
    return false, "unexpected EXIT"
  end
  return true
end

return { main = main }
