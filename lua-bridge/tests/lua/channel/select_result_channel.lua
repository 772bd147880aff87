-- select's result names the channel that delivered, even after earlier selects with
-- other case layouts completed through other channels.
local time = require("time")

local function main()
  local a = channel.new()
  local b = channel.new()
  local c = channel.new()
  coroutine.spawn(function()
    for i = 1, 3 do
      time.sleep("5ms")
      a:send(i)
    end
    time.sleep("5ms")
    b:send("b")
  end)
  -- Three selects with `b` second, all completed through `a`.
  for i = 1, 3 do
    local r = channel.select { a:case_receive(), b:case_receive() }
    if r.channel ~= a or r.value ~= i then
      return false, "select " .. i .. " named the wrong channel"
    end
  end
  -- Now `b` comes first, and delivers.
  local r = channel.select { b:case_receive(), c:case_receive() }
  if r.value ~= "b" then
    return false, "value " .. tostring(r.value)
  end
  if r.channel ~= b then
    return false, "result channel is not b (c=" .. tostring(r.channel == c) .. ")"
  end
  return true
end

return { main = main }
