-- time.sleep takes a duration string, a number of nanoseconds, or a Duration, and
-- waits at least that long.
local time = require("time")

local function elapsed_ms(start)
  return time.now():sub(start):milliseconds()
end

local function main()
  local start = time.now()
  time.sleep("50ms")
  local ms = elapsed_ms(start)
  if ms < 49 then
    return false, "sleep('50ms') took " .. ms .. "ms"
  end
  start = time.now()
  time.sleep(30 * 1000 * 1000) -- 30 ms in nanoseconds
  ms = elapsed_ms(start)
  if ms < 29 then
    return false, "sleep(30e6 ns) took " .. ms .. "ms"
  end
  if ms > 1000 then
    return false, "sleep(30e6) took " .. ms .. "ms: the number is not nanoseconds"
  end
  start = time.now()
  time.sleep(20 * time.MILLISECOND)
  ms = elapsed_ms(start)
  if ms < 19 then
    return false, "sleep(20 * MILLISECOND) took " .. ms .. "ms"
  end
  start = time.now()
  time.sleep(assert(time.parse_duration("20ms")))
  if elapsed_ms(start) < 19 then
    return false, "sleep(Duration) too short"
  end
  return true
end

return { main = main }
