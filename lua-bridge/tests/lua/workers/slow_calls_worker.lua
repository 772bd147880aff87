-- Loops forever without blocking, each turn one slow call of a C function (a
-- json.encode of a large array: milliseconds), after one short sleep, so that the
-- loop starts in a fresh step (see limits/preempt_after_slow_boot).
local json = require("json")
local time = require("time")

local function main(size)
  local t = {}
  for i = 1, size or 200000 do
    t[i] = i
  end
  time.sleep("1ms")
  while true do
    json.encode(t)
  end
end

return { main = main }
