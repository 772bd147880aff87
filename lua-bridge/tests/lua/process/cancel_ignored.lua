-- CANCEL is only a message: a process that never reads events() keeps running.
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:long_worker", "test:processes"))
  assert(process.cancel(pid, "please stop"))
  local timeout = time.after("200ms")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel ~= timeout then
    return false, "worker ended after a CANCEL it never read"
  end
  process.send(pid, "stop")
  local ev = events:receive()
  if ev.kind ~= process.event.EXIT or ev.result.value ~= "stopped" then
    return false, "worker did not stop normally"
  end
  return true
end

return { main = main }
