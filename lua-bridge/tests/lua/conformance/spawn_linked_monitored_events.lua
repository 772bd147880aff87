-- spawn_linked_monitored with trap_links on: a failing child gives both a LINK_DOWN and
-- an EXIT, each from the child and each carrying its error (§1.2, §4.5).
local wait = require("wait")

local function main()
  assert(process.set_options({ trap_links = true }))
  local events = process.events()
  local pid = assert(process.spawn_linked_monitored("test:error_worker", "test:processes", "20ms"))
  local got = {}
  for _ = 1, 2 do
    local ev = wait.receive(events)
    if ev.from ~= pid then
      return false, "event from " .. tostring(ev.from)
    end
    if not (ev.result and ev.result.error) then
      return false, tostring(ev.kind) .. " without result.error"
    end
    got[ev.kind] = (got[ev.kind] or 0) + 1
  end
  if got[process.event.EXIT] ~= 1 or got[process.event.LINK_DOWN] ~= 1 then
    return false, "expected one EXIT and one LINK_DOWN"
  end
  if wait.try_receive(events, "100ms") ~= nil then
    return false, "a third event arrived"
  end
  return true
end

return { main = main }
