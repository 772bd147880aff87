-- A coroutine spinning without blocking does not starve its own process's other
-- coroutines forever: a timer still wakes main (preemption applies per coroutine).
local time = require("time")

local function main()
  local stop = false
  local spins = 0
  coroutine.spawn(function()
    while not stop do
      spins = spins + 1
    end
  end)
  local start = time.now()
  time.sleep("50ms")
  stop = true
  local ms = time.now():sub(start):milliseconds()
  if ms > 2000 then
    return false, "main slept " .. ms .. "ms"
  end
  if spins == 0 then
    return false, "the spinning coroutine never ran"
  end
  return true
end

return { main = main }
