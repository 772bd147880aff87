-- Busy loops inside the script's own coroutines (coroutine.wrap, create with resume,
-- and one nested in the other) do not starve other processes: with three of them on a
-- 2-worker host, this process still sleeps, spawns, and gets a reply from another
-- worker within a second; then it terminates the loopers, and each one's EXIT comes.
local time = require("time")

local function main()
  local events = process.events()
  local loopers = {}
  for _, how in ipairs({ "wrap", "create", "nested" }) do
    loopers[assert(process.spawn_monitored("test:busy_user_coroutine_worker", "test:processes", how))] = true
  end
  time.sleep("50ms")
  local fair, why = wait.others_still_run(events, loopers, "three loops in script coroutines")
  if not fair then
    return false, why
  end
  return true
end

return { main = main }
