-- EXIT of a failed process carries the error at the top level (event.error) and in
-- result.error, with the raised message.
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:error_worker", "test:processes"))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no EXIT event"
  end
  local ev = r.value
  if ev.kind ~= process.event.EXIT or ev.from ~= pid then
    return false, "unexpected event " .. tostring(ev.kind)
  end
  if ev.error == nil then
    return false, "no event.error"
  end
  if ev.result == nil or ev.result.error == nil then
    return false, "no result.error"
  end
  if ev.result.value ~= nil then
    return false, "failed process has a result value"
  end
  local message = ev.result.error:message()
  if not message:find("worker failed on purpose", 1, true) then
    return false, "result.error message: " .. message
  end
  if not tostring(ev.error):find("worker failed on purpose", 1, true) then
    return false, "event.error: " .. tostring(ev.error)
  end
  return true
end

return { main = main }
