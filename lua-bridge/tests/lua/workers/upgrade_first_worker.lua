-- Registers a name, reports how bad upgrades fail (the process goes on), waits for "go",
-- lets more messages arrive, then upgrades to test:upgrade_second_worker.
local time = require("time")

local function main(parent)
  process.registry.register("upgrading_worker")
  local inbox = process.inbox()
  local v, err = process.upgrade("test:no_such_entry", parent)
  local unknown = v == nil and err ~= nil and err:kind() == errors.NOT_FOUND
  v, err = process.upgrade("test:processes")
  local not_lua = v == nil and err ~= nil and err:kind() == errors.INVALID
  local co = coroutine.create(function() return process.upgrade(nil) end)
  local in_create = not coroutine.resume(co)
  process.send(parent, "checks", { unknown, not_lua, in_create })
  inbox:receive() -- "go"
  -- The parent's next messages arrive now and wait in this VM, unreceived.
  time.sleep("30ms")
  process.upgrade("test:upgrade_second_worker", parent, "carried")
  return "upgrade returned"
end

return { main = main }
