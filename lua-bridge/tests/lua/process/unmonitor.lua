-- After unmonitor(pid), the process's exit sends no EXIT.
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:long_worker", "test:processes"))
  local ok, err = process.unmonitor(pid)
  if ok ~= true then
    return false, "unmonitor failed: " .. tostring(err)
  end
  process.send(pid, "stop")
  -- A second, still monitored worker tells us when the first one has surely ended.
  local other = assert(process.spawn_monitored("test:normal_worker", "test:processes", 1, "200ms"))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no EXIT from the monitored worker"
  end
  if r.value.from ~= other then
    return false, "EXIT from the unmonitored worker arrived"
  end
  timeout = time.after("100ms")
  r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel ~= timeout then
    return false, "unexpected event from " .. tostring(r.value.from)
  end
  return true
end

return { main = main }
