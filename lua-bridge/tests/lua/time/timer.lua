-- time.timer: :response()/:channel() deliver once, then the channel closes; :stop()
-- prevents firing, closes the channel and returns true while active, false
-- afterwards; :reset(d) re-arms an active timer.
local time = require("time")

local function fires_within(ch, limit)
  local timeout = time.after(limit)
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  return r.channel == ch and r.ok
end

local function closed(ch)
  local r = channel.select({ ch:case_receive() }, true)
  return r.channel == ch and r.ok == false and r.value == nil
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
  if not closed(t:response()) then
    return false, "the channel of a fired timer is still open"
  end

  local s = time.timer("50ms")
  if s:stop() ~= true then
    return false, "stop of an active timer returned false"
  end
  if not closed(s:channel()) then
    return false, "the channel of a stopped timer is still open"
  end
  -- Nothing comes later either.
  time.sleep("100ms")
  local v, ok = s:channel():receive()
  if v ~= nil or ok ~= false then
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
