-- A slow reader loses ticks: the ticker channel holds at most 16; the ticker keeps
-- ticking afterwards.
local time = require("time")

local function main()
  local ticker = assert(time.ticker("2ms"))
  local ch = ticker:channel()
  time.sleep("200ms") -- ~100 ticks would be due
  local buffered = 0
  while channel.select({ ch:case_receive() }, true).default ~= true do
    buffered = buffered + 1
    if buffered > 100 then break end
  end
  if buffered == 0 then
    return false, "no ticks buffered"
  end
  if buffered > 16 then
    return false, buffered .. " ticks buffered (more than 16)"
  end
  local timeout = time.after("1s")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  if r.channel ~= ch then
    return false, "ticker stopped after dropping ticks"
  end
  ticker:stop()
  return true
end

return { main = main }
