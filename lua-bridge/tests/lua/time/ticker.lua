-- time.ticker delivers ticks periodically until stopped; stop closes its channel
-- once the ticks it holds are taken, and returns true every time (as the original).
local time = require("time")

local function main()
  local ticker, err = time.ticker("20ms")
  if ticker == nil then
    return false, "ticker failed: " .. tostring(err)
  end
  local ch = ticker:channel()
  if ticker:response() ~= ch then
    return false, "response() and channel() differ"
  end
  local start = time.now()
  for i = 1, 3 do
    local timeout = time.after("1s")
    local r = channel.select { ch:case_receive(), timeout:case_receive() }
    if r.channel ~= ch then
      return false, "tick " .. i .. " did not come"
    end
  end
  local ms = time.now():sub(start):milliseconds()
  if ms < 55 then
    return false, "3 ticks of 20ms in " .. ms .. "ms"
  end
  if ticker:stop() ~= true or ticker:stop() ~= true then
    return false, "ticker:stop() did not return true twice"
  end
  -- What is already buffered is still taken, then the channel reports closed.
  local buffered = 0
  while true do
    local v, ok = ch:receive()
    if not ok then
      if v ~= nil then
        return false, "a closed ticker channel gave a value"
      end
      break
    end
    buffered = buffered + 1
    if buffered > 16 then
      return false, "ticks after stop"
    end
  end
  return true
end

return { main = main }
