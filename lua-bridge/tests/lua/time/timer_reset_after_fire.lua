-- timer:reset(d) on a timer that has fired or was stopped returns false and arms
-- nothing: its channel is closed (as the original's, which unsubscribes it), so no
-- value comes; on an active timer it re-arms.
local time = require("time")

local function main()
  local t = assert(time.timer("10ms"))
  local v, ok = t:channel():receive()
  if not ok then
    return false, "timer did not fire"
  end
  if t:reset("20ms") ~= false then
    return false, "reset after firing returned true"
  end
  time.sleep("60ms")
  v, ok = t:channel():receive()
  if ok ~= false or v ~= nil then
    return false, "timer reset after firing fired again"
  end

  local s = assert(time.timer("1h"))
  s:stop()
  if s:reset("10ms") ~= false then
    return false, "reset after stop returned true"
  end
  time.sleep("40ms")
  v, ok = s:channel():receive()
  if ok ~= false or v ~= nil then
    return false, "timer reset after stop fired"
  end

  -- An active timer re-arms, and fires once.
  local r = assert(time.timer("1h"))
  if r:reset("10ms") ~= true then
    return false, "reset of an active timer returned false"
  end
  v, ok = r:channel():receive()
  if not ok then
    return false, "reset timer did not fire"
  end
  return true
end

return { main = main }
