-- A process that spawns a monitored child as its very first action gets the child's
-- EXIT even when the child fails at once (the runtime must know the new process
-- before it runs, or the EXIT has nowhere to go). 100 fresh workers try once each.
local time = require("time")

local function main()
  local ch = process.listen("early_exit")
  local n = 100
  for _ = 1, n do
    assert(process.spawn("test:early_monitor_worker", "test:processes", process.pid()))
  end
  local lost = 0
  for _ = 1, n do
    local timeout = time.after("3s")
    local r = channel.select { ch:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "a worker did not report"
    end
    if r.value ~= true then
      lost = lost + 1
    end
  end
  if lost > 0 then
    return false, lost .. " of " .. n .. " new processes never got their child's EXIT"
  end
  return true
end

return { main = main }
