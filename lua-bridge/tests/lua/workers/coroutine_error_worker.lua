-- main waits on its inbox forever; a spawned coroutine raises after 20 ms.
local time = require("time")

local function main()
  coroutine.spawn(function()
    time.sleep("20ms")
    error("coroutine failed on purpose")
  end)
  process.inbox():receive()
  return "not reached"
end

return { main = main }
