-- A loop whose every turn is one slow C call (milliseconds) is preempted at the end of
-- the call that passes its slice, not some hundreds of calls later: with two such
-- loops on a 2-worker host, this process still spawns and gets a reply within a
-- second (the hook counted 1000 instructions past the slice, about 250 turns: seconds).
local time = require("time")

local function main()
  local events = process.events()
  local busy = {}
  for _ = 1, 2 do
    busy[assert(process.spawn_monitored("test:slow_calls_worker", "test:processes"))] = true
  end
  time.sleep("200ms")
  local fair, why = wait.others_still_run(events, busy, "two loops of slow calls")
  if not fair then
    return false, why
  end
  return true
end

return { main = main }
