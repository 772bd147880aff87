-- time.ticker delivers ticks periodically until stopped.
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
  ticker:stop()
  -- Drain what may already be buffered, then nothing more comes.
  while channel.select({ ch:case_receive() }, true).default ~= true do end
  local timeout = time.after("100ms")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  if r.channel == ch then
    return false, "tick after stop"
  end
  return true
end

return { main = main }
