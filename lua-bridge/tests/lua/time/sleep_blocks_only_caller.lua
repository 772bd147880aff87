-- time.sleep suspends only the calling coroutine; others keep running meanwhile.
local time = require("time")

local function main()
  local ticks = 0
  local stop = false
  coroutine.spawn(function()
    while not stop do
      ticks = ticks + 1
      time.sleep("5ms")
    end
  end)
  time.sleep("100ms")
  stop = true
  if ticks < 5 then
    return false, "the other coroutine ran only " .. ticks .. " times during a 100ms sleep"
  end
  return true
end

return { main = main }
