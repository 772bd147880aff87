-- process.cancel accepts a registered name as its destination (§1.2: "Every dest
-- argument accepts a name"; R module.go `cancel` resolves the name).
local receive = require("wait").receive

local function main()
  local events = process.events()
  local registered = process.listen("registered")
  local pid = assert(process.spawn_monitored("test:conf_named_events_worker", "test:processes",
    process.pid(), "conf_cancel_target"))
  if receive(registered) ~= pid then
    return false, "worker did not register"
  end
  local ok, err = process.cancel("conf_cancel_target", "by name")
  if ok ~= true then
    return false, "cancel by name failed: " .. tostring(err)
  end
  local ev = receive(events)
  if ev.kind ~= process.event.EXIT or ev.from ~= pid or ev.result.value ~= "cancelled" then
    return false, "worker did not see CANCEL: " .. tostring(ev.result and ev.result.value)
  end
  return true
end

return { main = main }
