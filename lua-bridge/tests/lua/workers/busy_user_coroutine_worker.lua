-- Loops for ever inside a coroutine of the script's own, never calling a blocking
-- function: `how` picks coroutine.wrap, coroutine.create with resume, or a wrap
-- function resuming a create coroutine.
local time = require("time")

local function forever()
  local n = 0
  while true do
    n = n + 1
  end
end

local function main(how)
  time.sleep("1ms")
  if how == "wrap" then
    coroutine.wrap(forever)()
  elseif how == "create" then
    coroutine.resume(coroutine.create(forever))
  else
    coroutine.wrap(function()
      coroutine.resume(coroutine.create(forever))
    end)()
  end
  return "unreachable"
end

return { main = main }
