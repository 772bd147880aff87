-- First thing: spawns a monitored error_worker (which fails at once), waits up to 1s
-- for its EXIT, and reports to `parent` (topic "early_exit": true when it came).
local time = require("time")

local function main(parent)
  local events = process.events()
  process.spawn_monitored("test:error_worker", "test:processes")
  local timeout = time.after("1s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  process.send(parent, "early_exit", r.channel == events)
  return true
end

return { main = main }
