-- Registers a name, tells the parent it is ready, waits for "go",
-- lets more messages arrive, then upgrades to test:upgrade_second_worker.
local time = require("time")

local function main(parent)
  process.registry.register("upgrading_worker")
  local inbox = process.inbox()
  process.send(parent, "checks", { true })
  inbox:receive() -- "go"
  -- The parent's next messages arrive now and wait in this VM, unreceived.
  time.sleep("30ms")
  process.upgrade("test:upgrade_second_worker", parent, "carried")
  return "upgrade returned"
end

return { main = main }
