-- cancel(pid, reason): the target gets a CANCEL event {kind, from, reason}; it can
-- then exit on its own (normally).

local receive = require("wait").receive

local function main()
  local events = process.events()
  local ready = process.listen("ready")
  local cancelled = process.listen("cancelled")
  local pid = assert(process.spawn_monitored("test:cancel_worker", "test:processes", process.pid()))
  if receive(ready) ~= pid then
    return false, "worker reported a different pid"
  end
  local ok, err = process.cancel(pid, "shutting down")
  if ok ~= true then
    return false, "cancel failed: " .. tostring(err)
  end
  local info = receive(cancelled)
  if info.kind ~= process.event.CANCEL or info.kind ~= "pid.cancel" then
    return false, "event kind " .. tostring(info.kind)
  end
  if info.reason ~= "shutting down" then
    return false, "reason " .. tostring(info.reason)
  end
  if info.from ~= process.pid() then
    return false, "from " .. tostring(info.from)
  end
  local ev = receive(events)
  if ev.kind ~= process.event.EXIT or ev.from ~= pid or ev.result.value ~= "cancelled" then
    return false, "worker did not exit normally after CANCEL"
  end
  ok, err = process.cancel(pid, "again")
  if ok ~= nil or err == nil then
    return false, "cancel of a dead pid returned " .. tostring(ok)
  end
  return true
end

return { main = main }
