-- Fails: raises "worker failed on purpose" (after sleeping `delay`, when given).
local time = require("time")

local function main(delay)
  if delay then
    time.sleep(delay)
  end
  error("worker failed on purpose")
end

return { main = main }
