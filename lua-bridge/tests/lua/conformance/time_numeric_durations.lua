-- Durations given as numbers of nanoseconds built from the time constants
-- (5 * time.MILLISECOND) work for sleep, after, timer and ticker
-- (R tests/app/src/test/time/sleep.lua, after.lua, timer.lua, ticker.lua).
local time = require("time")

local function main()
  if time.MILLISECOND ~= 1000000 or time.SECOND ~= 1000000000 then
    return false, "constants"
  end
  local start = time.now()
  time.sleep(5 * time.MILLISECOND)
  time.after(5 * time.MILLISECOND):receive()
  local timer = assert(time.timer(5 * time.MILLISECOND))
  timer:channel():receive()
  local ticker = assert(time.ticker(5 * time.MILLISECOND))
  ticker:channel():receive()
  ticker:channel():receive()
  ticker:stop()
  local elapsed = time.now():sub(start):milliseconds()
  if elapsed < 18 then
    return false, "too fast: " .. tostring(elapsed) .. "ms"
  end
  return true
end

return { main = main }
