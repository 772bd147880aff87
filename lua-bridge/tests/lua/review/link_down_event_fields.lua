-- A LINK_DOWN event is {kind, from, at, result = {value, error}} (reference §1.2 "Event
-- tables"): at is a number of Unix seconds, from the failed process, result.error its
-- error and result.value nil.
local receive = require("wait").receive

local function main(role)
  if role == "fail" then
    error("review link partner failed")
  end
  assert(process.set_options({ trap_links = true }))
  local events = process.events()
  local pid = assert(process.spawn_linked(process.id(), "test:processes", "fail"))
  local ev = receive(events)
  if ev.kind ~= process.event.LINK_DOWN then
    return false, "kind " .. tostring(ev.kind)
  end
  if ev.from ~= pid then
    return false, "from " .. tostring(ev.from)
  end
  if type(ev.at) ~= "number" or math.abs(ev.at - os.time()) > 2 then
    return false, "at " .. tostring(ev.at)
  end
  if type(ev.result) ~= "table" or ev.result.error == nil or ev.result.value ~= nil then
    return false, "result " .. tostring(ev.result)
  end
  if not tostring(ev.result.error:message()):find("review link partner failed", 1, true) then
    return false, "error " .. tostring(ev.result.error:message())
  end
  return true
end

return { main = main }
