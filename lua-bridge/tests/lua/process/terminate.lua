-- terminate(pid): the process ends with an error (EXIT carries it); a second
-- terminate of the same pid fails with nil, err.
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:long_worker", "test:processes"))
  local ok, err = process.terminate(pid)
  if ok ~= true then
    return false, "terminate failed: " .. tostring(err)
  end
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no EXIT after terminate"
  end
  local ev = r.value
  if ev.kind ~= process.event.EXIT or ev.from ~= pid then
    return false, "unexpected event"
  end
  if ev.error == nil or ev.result.error == nil then
    return false, "terminated process exited without an error"
  end
  ok, err = process.terminate(pid)
  if ok ~= nil or err == nil then
    return false, "second terminate returned " .. tostring(ok)
  end
  ok, err = process.terminate("{test:processes|0xffffff}")
  if ok ~= nil or err == nil then
    return false, "terminate of an unknown pid returned " .. tostring(ok)
  end
  return true
end

return { main = main }
