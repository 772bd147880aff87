-- process.monitor and process.terminate accept a registered name: monitoring by name
-- then terminating by name gives an EXIT (with an error) from the holder's pid (§1.2:
-- "Every dest argument accepts a name").
local receive = require("wait").receive

local function main()
  local events = process.events()
  local registered = process.listen("registered")
  local pid = assert(process.spawn("test:registry_worker", "test:processes", process.pid(), "conf_term_target"))
  local r = receive(registered)
  if r.ok ~= true then
    return false, "worker could not register: " .. tostring(r.err)
  end
  local ok, err = process.monitor("conf_term_target")
  if ok ~= true then
    return false, "monitor by name failed: " .. tostring(err)
  end
  ok, err = process.terminate("conf_term_target")
  if ok ~= true then
    return false, "terminate by name failed: " .. tostring(err)
  end
  local ev = receive(events)
  if ev.kind ~= process.event.EXIT or ev.from ~= pid then
    return false, "expected EXIT from " .. pid .. ", got " .. tostring(ev.kind) .. " from " .. tostring(ev.from)
  end
  if not ev.result.error then
    return false, "terminated process exited without an error"
  end
  return true
end

return { main = main }
