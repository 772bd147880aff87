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
  local ms, err = wait.reply_from_new_process()
  if not ms then
    return false, err .. " while two busy loops run"
  end
  time.sleep("10ms")
  local ended, why = wait.terminate_all(events, busy)
  if not ended then
    return false, why
  end
  if ms > 1000 then
    return false, "reply took " .. ms .. "ms"
  end
  return true
end

return { main = main }
