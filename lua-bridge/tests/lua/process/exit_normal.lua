-- spawn_monitored: the spawner gets EXIT {kind, from, at, result = {value}}; a normal
-- exit has no error, neither at the top level nor in result.
local time = require("time")

local function main()
  local events = process.events()
  local pid, err = process.spawn_monitored("test:normal_worker", "test:processes", { answer = 42 })
  if not pid then
    return false, "spawn_monitored failed: " .. tostring(err)
  end
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no EXIT event"
  end
  local ev = r.value
  if type(ev) ~= "table" then
    return false, "event is a " .. type(ev)
  end
  if ev.kind ~= process.event.EXIT or ev.kind ~= "pid.exit" then
    return false, "kind " .. tostring(ev.kind)
  end
  if ev.from ~= pid then
    return false, "from " .. tostring(ev.from) .. ", expected " .. pid
  end
  if type(ev.at) ~= "number" and type(ev.at) ~= "userdata" then
    return false, "at is a " .. type(ev.at)
  end
  if ev.error ~= nil then
    return false, "normal exit with error " .. tostring(ev.error)
  end
  if type(ev.result) ~= "table" then
    return false, "result is a " .. type(ev.result)
  end
  if ev.result.error ~= nil then
    return false, "result.error set on a normal exit"
  end
  if type(ev.result.value) ~= "table" or ev.result.value.answer ~= 42 then
    return false, "result.value is not the returned table"
  end
  return true
end

return { main = main }
