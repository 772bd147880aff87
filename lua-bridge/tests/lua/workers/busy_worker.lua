-- Loops forever without ever calling a blocking function (after one short sleep, so
-- that the loop starts in a fresh step: see limits/preempt_after_slow_boot).
local time = require("time")

local function main()
  time.sleep("1ms")
  local n = 0
  while true do
    n = n + 1
  end
end

return { main = main }
