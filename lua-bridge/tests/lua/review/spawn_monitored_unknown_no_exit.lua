-- spawn_monitored of an unknown entry returns nil, err and no EXIT event follows (there
-- is no process to monitor).
local try_receive = require("wait").try_receive

local function main()
  local events = process.events()
  local pid, err = process.spawn_monitored("test:review_no_such_entry", "test:processes")
  if pid ~= nil or err == nil then
    return false, "spawn_monitored returned " .. tostring(pid)
  end
  local ev = try_receive(events, "200ms")
  if ev ~= nil then
    return false, "an event arrived: " .. tostring(ev.kind)
  end
  return true
end

return { main = main }
