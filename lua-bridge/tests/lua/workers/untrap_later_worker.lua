-- Traps links, lets a linked worker fail while nothing reads `events()` (so its
-- LINK_DOWN waits undelivered), then sets `trap_links` to `untrap_to` and reads
-- `events()`; tells `parent` what it received if it lives on.
local time = require("time")
local wait = require("wait")

local function main(parent, untrap_to)
  process.set_options({ trap_links = true })
  process.spawn_linked("test:error_worker", "test:processes")
  time.sleep("100ms")
  process.set_options({ trap_links = untrap_to })
  local ev = wait.try_receive(process.events(), "300ms")
  process.send(parent, "survived", ev and ev.kind or "nothing")
  return "survived"
end

return { main = main }
