-- time.timer: :response()/:channel() deliver once; :stop() prevents firing and
-- returns true while active, false afterwards; :reset(d) re-arms.
local time = require("time")

local function fires_within(ch, limit)
  local timeout = time.after(limit)
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  return r.channel == ch
end

local function main()
  local t, err = time.timer("20ms")
  if t == nil then
    return false, "timer failed: " .. tostring(err)
  end
  if t:response() ~= t:channel() then
    return false, "response() and channel() differ"
  end
  if not fires_within(t:response(), "1s") then
    return false, "timer did not fire"
  end

  local s = time.timer("50ms")
  if s:stop() ~= true then
    return false, "stop of an active timer returned false"
  end
  if fires_within(s:channel(), "150ms") then
    return false, "stopped timer fired"
  end
  if s:stop() ~= false then
    return false, "second stop returned true"
  end

  local r = time.timer("1h")
  if r:reset("20ms") ~= true then
    return false, "reset of an active timer returned false"
  end
  if not fires_within(r:channel(), "1s") then
    return false, "reset timer did not fire"
  end
  return true
end

return { main = main }
