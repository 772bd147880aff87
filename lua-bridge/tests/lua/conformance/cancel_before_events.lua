-- A CANCEL sent right after spawn, before the child first calls process.events(), is
-- kept for it: the child's first events():receive() gets the CANCEL (R
-- tests/app/src/test/process/events_cancel_worker.lua cancels at once; §1.2 routing
-- rule 4: with nothing subscribed, messages stay queued).
local receive = require("wait").receive

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:conf_late_events_worker", "test:processes"))
  local ok, err = process.cancel(pid, "early")
  if ok ~= true then
    return false, "cancel failed: " .. tostring(err)
  end
  local ev = receive(events, "3s")
  if ev.kind ~= process.event.EXIT or ev.from ~= pid then
    return false, "expected EXIT from the worker, got " .. tostring(ev.kind)
  end
  if ev.result.error then
    return false, "worker failed: " .. tostring(ev.result.error)
  end
  if ev.result.value ~= "cancelled" then
    return false, "worker saw " .. tostring(ev.result.value)
  end
  return true
end

return { main = main }
