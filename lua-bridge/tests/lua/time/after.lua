-- time.after(d) returns a channel that delivers one Time after d.
local time = require("time")

local function main()
  local start = time.now()
  local ch, err = time.after("30ms")
  if ch == nil then
    return false, "after failed: " .. tostring(err)
  end
  local t, ok = ch:receive()
  if ok ~= true then
    return false, "receive ok = " .. tostring(ok)
  end
  if type(t) ~= "userdata" or type(t:unix()) ~= "number" then
    return false, "after delivered a " .. type(t)
  end
  local ms = time.now():sub(start):milliseconds()
  if ms < 29 then
    return false, "fired after " .. ms .. "ms"
  end
  -- Only one value: a second receive waits (the timer wins the race against it).
  local again = time.after("50ms")
  local r = channel.select { ch:case_receive(), again:case_receive() }
  if r.channel ~= again then
    return false, "after delivered twice"
  end
  return true
end

return { main = main }
