-- A select that was completed by one case leaves no trace in its other channels: when
-- the losing timer fires later, it must not complete an unrelated, later wait.
--
--   select { a, time.after("100ms") }   -- blocks; `a` gets a value after 10ms
--   b:receive()                         -- blocks; `b` gets "from b" after 300ms
--
-- b:receive() must return "from b", not the Time the 100ms timer delivers.
local time = require("time")

local function main()
  local a = channel.new()
  local b = channel.new()
  coroutine.spawn(function()
    time.sleep("10ms")
    a:send("from a")
    time.sleep("300ms")
    b:send("from b")
  end)
  local timeout = time.after("100ms")
  local r = channel.select { a:case_receive(), timeout:case_receive() }
  if r.channel ~= a or r.value ~= "from a" then
    return false, "select: expected the value from a"
  end
  local v, ok = b:receive()
  if v ~= "from b" then
    return false, "b:receive() returned " .. tostring(v) .. " (" .. type(v) .. "), ok=" .. tostring(ok)
  end
  return true
end

return { main = main }
