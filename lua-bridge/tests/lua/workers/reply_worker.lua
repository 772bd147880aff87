-- Sleeps `delay` (default 10ms), then sends "pong" to `parent` and exits.
local time = require("time")

local function main(parent, delay)
  time.sleep(delay or "10ms")
  process.send(parent, "pong", process.pid())
  return true
end

return { main = main }
