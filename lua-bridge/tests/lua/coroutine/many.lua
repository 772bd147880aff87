-- 1000 coroutines sleeping at once all finish.
local time = require("time")

local function main()
  local done = channel.new(1000)
  for i = 1, 1000 do
    coroutine.spawn(function()
      time.sleep("10ms")
      done:send(i)
    end)
  end
  local sum = 0
  for _ = 1, 1000 do
    sum = sum + done:receive()
  end
  if sum ~= 500500 then
    return false, "sum " .. sum
  end
  return true
end

return { main = main }
