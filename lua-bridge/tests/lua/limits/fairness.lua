-- Busy loops do not starve other processes: with two `while true do end` workers on
-- a 2-worker host, this process still sleeps, spawns, and gets a reply from another
-- worker within a second; then it terminates the loopers.
local time = require("time")

local function main()
  local events = process.events()
  local busy = {}
  for _ = 1, 2 do
    busy[assert(process.spawn_monitored("test:busy_worker", "test:processes"))] = true
  end
  time.sleep("50ms")
  local fair, why = wait.others_still_run(events, busy, "two busy loops")
  if not fair then
    return false, why
  end
  return true
end

return { main = main }
