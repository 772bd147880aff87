-- timer:reset(d) re-arms a timer that has already fired (Go semantics: it returns
-- false because the timer was no longer active, but it fires again).
local time = require("time")

local function fires_within(ch, limit)
  local timeout = time.after(limit)
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  return r.channel == ch
end

local function main()
  local t = assert(time.timer("10ms"))
  if not fires_within(t:channel(), "1s") then
    return false, "timer did not fire"
  end
  t:reset("20ms")
  if not fires_within(t:channel(), "1s") then
    return false, "timer reset after firing did not fire again"
  end
  local s = assert(time.timer("1h"))
  s:stop()
  s:reset("10ms")
  if not fires_within(s:channel(), "1s") then
    return false, "timer reset after stop did not fire"
  end
  return true
end

return { main = main }
