-- time.after(d) returns a channel that delivers one Time after d, then closes.
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
  -- Only one value, after which the channel is closed (as the original's, whose fire
  -- ends with a terminal payload): a second receive gives nil, false at once.
  local again = time.after("1s")
  local r = channel.select { ch:case_receive(), again:case_receive() }
  if r.channel ~= ch then
    return false, "the fired channel was not closed"
  end
  if r.value ~= nil or r.ok ~= false then
    return false, "after delivered twice"
  end
  return true
end

return { main = main }
