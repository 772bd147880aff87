-- coroutine.spawn runs functions concurrently with main inside the same process:
-- they interleave at blocking calls (here time.sleep).
local time = require("time")

local function main()
  local log = {}
  local done = channel.new(2)
  local t = coroutine.spawn(function()
    for i = 1, 3 do
      table.insert(log, "a" .. i)
      time.sleep("20ms")
    end
    done:send("a")
  end)
  if type(t) ~= "thread" then
    return false, "coroutine.spawn returned a " .. type(t)
  end
  coroutine.spawn(function()
    time.sleep("10ms")
    for i = 1, 3 do
      table.insert(log, "b" .. i)
      time.sleep("20ms")
    end
    done:send("b")
  end)
  done:receive()
  done:receive()
  local text = table.concat(log, " ")
  if text ~= "a1 b1 a2 b2 a3 b3" then
    return false, "interleaving: " .. text
  end
  return true
end

return { main = main }
