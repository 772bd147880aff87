-- Registers a name, reports that an upgrade inside coroutine.create raises (the process
-- goes on), waits for "go",
-- lets more messages arrive, then upgrades to test:upgrade_second_worker.
local time = require("time")

local function main(parent)
  process.registry.register("upgrading_worker")
  local inbox = process.inbox()
  local co = coroutine.create(function() return process.upgrade(nil) end)
  local in_create = not coroutine.resume(co)
  process.send(parent, "checks", { in_create })
  inbox:receive() -- "go"
  -- The parent's next messages arrive now and wait in this VM, unreceived.
  time.sleep("30ms")
  process.upgrade("test:upgrade_second_worker", parent, "carried")
  return "upgrade returned"
end

return { main = main }
