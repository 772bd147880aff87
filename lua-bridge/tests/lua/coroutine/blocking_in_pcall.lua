-- Blocking calls work inside pcall (in main and in spawned coroutines), and an error
-- caught by pcall in a coroutine does not fail the process.
local time = require("time")

local function main()
  local ch = channel.new()
  local caught
  coroutine.spawn(function()
    local ok, err = pcall(function()
      time.sleep("5ms")
      error("caught inside")
    end)
    caught = not ok and tostring(err)
    local sent = pcall(ch.send, ch, "from pcall")
    if not sent then
      error("send inside pcall failed")
    end
  end)
  local ok, v = pcall(ch.receive, ch)
  if not ok or v ~= "from pcall" then
    return false, "receive inside pcall: " .. tostring(v)
  end
  if not caught or not caught:find("caught inside", 1, true) then
    return false, "error in pcall: " .. tostring(caught)
  end
  local sok = pcall(time.sleep, "5ms")
  if not sok then
    return false, "sleep inside pcall failed"
  end
  return true
end

return { main = main }
