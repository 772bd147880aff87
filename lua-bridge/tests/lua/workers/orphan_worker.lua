-- Spawns a coroutine that would report to `parent` (topic "late") after 100 ms, and
-- returns at once.
local time = require("time")

local function main(parent)
  coroutine.spawn(function()
    time.sleep("100ms")
    process.send(parent, "late", "still alive")
  end)
  return "main done"
end

return { main = main }
