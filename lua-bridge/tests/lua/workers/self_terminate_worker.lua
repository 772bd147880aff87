-- Terminates itself, then would return "survived" if it kept running.
local time = require("time")

local function main()
  process.terminate(process.pid())
  time.sleep("100ms")
  return "survived"
end

return { main = main }
