-- Blocking while a timer or a subscription can still wake the process is not a
-- deadlock: main waits on a channel that a sleeping coroutine fills later.
local time = require("time")

local function main()
  local ch = channel.new()
  coroutine.spawn(function()
    time.sleep("50ms")
    ch:send("late")
  end)
  local v = ch:receive()
  if v ~= "late" then
    return false, "got " .. tostring(v)
  end
  return true
end

return { main = main }
