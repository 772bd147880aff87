-- A LINK_DOWN that arrived while links were trapped, and still waits undelivered when
-- `trap_links` is turned off, fails the process ("linked process failed"), as the
-- original decides at delivery (reference §1.2, routing rule 1). Turned on again
-- instead, the LINK_DOWN arrives as an event and the process lives on.
local wait = require("wait")

local function run(untrap_to)
  local inbox = process.inbox()
  local events = process.events()
  local pid = process.spawn_monitored("test:untrap_later_worker", "test:processes", process.pid(), untrap_to)
  local ev = wait.receive(events, "3s")
  if ev.kind ~= process.event.EXIT or ev.from ~= pid then
    return nil, "expected the worker's EXIT, got " .. tostring(ev.kind)
  end
  local said = wait.try_receive(inbox, "100ms")
  return ev, said and said:payload():data()
end

local function main()
  local ev, said = run(false)
  if not ev then
    return false, said
  end
  if said ~= nil then
    return false, "trap_links off: the worker lived on and received " .. tostring(said)
  end
  if not ev.result.error or not tostring(ev.result.error):find("linked process failed", 1, true) then
    return false, "trap_links off: the worker ended with " .. tostring(ev.result.error or ev.result.value)
  end
  ev, said = run(true)
  if not ev then
    return false, said
  end
  if said ~= process.event.LINK_DOWN or ev.result.value ~= "survived" then
    return false, "trap_links on again: received " .. tostring(said) .. ", ended with "
      .. tostring(ev.result.error or ev.result.value)
  end
  return true
end

return { main = main }
