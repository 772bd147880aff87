-- Exits normally with its argument (42 by default), after sleeping `delay` when given.
local time = require("time")

local function main(value, delay)
  if delay then
    time.sleep(delay)
  end
  if value == nil then
    return 42
  end
  return value
end

return { main = main }
