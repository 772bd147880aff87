-- After process.upgrade the new code starts with the options of a fresh process
-- (trap_links off, as the original's new Process), so a LINK_DOWN then fails it; an id
-- that is not a string (here 5) upgrades to the running entry.
local wait = require("wait")

local function main()
  local inbox = process.inbox()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:upgrade_trap_worker", "test:processes", process.pid()))
  local first = wait.receive(inbox)
  assert(first:payload():data() == true, "trap_links set before the upgrade")
  local second = wait.receive(inbox)
  assert(second:payload():data() == false, "trap_links after the upgrade: " .. tostring(second:payload():data()))
  local e = wait.receive(events)
  assert(e.kind == process.event.EXIT and e.from == pid)
  assert(e.result.error, "the upgraded process must die of the LINK_DOWN")
  assert(e.result.error:message() == "linked process failed", tostring(e.result.error))
  return true
end

return { main = main }
