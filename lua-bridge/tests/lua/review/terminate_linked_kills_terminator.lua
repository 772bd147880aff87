-- Terminating one's own linked child takes the caller down too when trap_links is off:
-- terminate makes the target exit with an error "so links get LINK_DOWN", and a
-- LINK_DOWN with trap_links == false makes the process fail (reference §1.2
-- process.terminate and routing rule 1).
local receive = require("wait").receive

local function main(role)
  if role == "child" then
    process.inbox():receive()
    return "child done"
  elseif role == "parent" then
    local child = assert(process.spawn_linked(process.id(), "test:processes", "child"))
    assert(process.terminate(child))
    require("time").sleep("500ms")
    return "parent survived"
  end
  local events = process.events()
  local parent = assert(process.spawn_monitored(process.id(), "test:processes", "parent"))
  local ev = receive(events)
  if ev.from ~= parent then
    return false, "event from another pid"
  end
  if ev.result.error == nil then
    return false, "parent exited normally: " .. tostring(ev.result.value)
  end
  return true
end

return { main = main }
