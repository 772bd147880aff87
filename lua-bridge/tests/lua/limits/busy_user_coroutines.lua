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
  local ms, err = wait.reply_from_new_process()
  if not ms then
    return false, err .. " while three loops in script coroutines run"
  end
  local ended, why = wait.terminate_all(events, loopers)
  if not ended then
    return false, why
  end
  if ms > 1000 then
    return false, "reply took " .. ms .. "ms"
  end
  return true
end

return { main = main }
