-- Messages a process sends right before it exits are all delivered, in order.
local time = require("time")

local function main()
  local burst = process.listen("burst")
  local events = process.events()
  local n = 200
  assert(process.spawn_monitored("test:burst_worker", "test:processes", process.pid(), n))
  for i = 1, n do
    local timeout = time.after("2s")
    local r = channel.select { burst:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "only " .. (i - 1) .. " of " .. n .. " messages arrived"
    end
    if r.value ~= i then
      return false, "got " .. tostring(r.value) .. " at " .. i
    end
  end
  local ev = events:receive()
  if ev.kind ~= process.event.EXIT or ev.result.value ~= n then
    return false, "burst worker did not exit normally"
  end
  return true
end

return { main = main }
