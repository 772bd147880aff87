-- process.monitor(pid) on a running process: its exit then sends EXIT.
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn("test:long_worker", "test:processes"))
  local ok, err = process.monitor(pid)
  if ok ~= true then
    return false, "monitor failed: " .. tostring(err)
  end
  process.send(pid, "stop")
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no EXIT after monitor"
  end
  local ev = r.value
  if ev.kind ~= process.event.EXIT or ev.from ~= pid or ev.result.value ~= "stopped" then
    return false, "unexpected event"
  end
  return true
end

return { main = main }
