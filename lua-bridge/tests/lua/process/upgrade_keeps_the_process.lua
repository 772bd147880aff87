-- process.upgrade(id, ...) goes on as another entry keeping the PID, the names, the
-- monitors and the messages that had arrived unreceived (a_failed_upgrade_ends_the_process.lua:
-- an upgrade to a bad entry ends it).
local wait = require("wait")

local function main()
  local events = process.events()
  local checks = process.listen("checks")
  local second = process.listen("second")
  local pid = assert(process.spawn_monitored("test:upgrade_first_worker", "test:processes",
    process.pid()))
  local c = wait.receive(checks)
  if c[1] ~= true then
    return false, "the worker's first report: " .. tostring(c[1])
  end
  process.send(pid, "go", 0)
  for i = 1, 3 do
    process.send(pid, "n", i)
  end
  local r = wait.receive(second)
  if r.pid ~= pid then
    return false, "the PID changed: " .. tostring(r.pid)
  end
  if r.note ~= "carried" then
    return false, "the new main got " .. tostring(r.note)
  end
  if r.got[1] ~= 1 or r.got[2] ~= 2 or r.got[3] ~= 3 then
    return false, "messages received before the upgrade were lost or reordered"
  end
  if r.holder ~= pid then
    return false, "the name went: " .. tostring(r.holder)
  end
  local exit = wait.receive(events)
  if exit.from ~= pid or exit.result.value ~= "second done" then
    return false, "the monitor's EXIT: " .. tostring(exit.from) .. " " .. tostring(exit.result.value)
  end
  return true
end

return { main = main }
