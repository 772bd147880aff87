-- With trap_links off, a LINK_DOWN makes the process fail with "linked process failed"
-- even though it never called events() (reference §1.2 routing rule 1: "a LINK_DOWN
-- with trap_links == false makes the process **fail** ("linked process failed"), even
-- if events() was never called").
local receive = require("wait").receive

local function main(role)
  if role == "fail" then
    local time = require("time")
    time.sleep("30ms")
    error("partner fails")
  elseif role == "victim" then
    assert(process.spawn_linked(process.id(), "test:processes", "fail"))
    process.inbox():receive()
    return "not killed"
  end
  local events = process.events()
  local victim = assert(process.spawn_monitored(process.id(), "test:processes", "victim"))
  local ev = receive(events)
  if ev.from ~= victim or ev.kind ~= process.event.EXIT then
    return false, "unexpected event"
  end
  if ev.result.error == nil then
    return false, "victim exited normally: " .. tostring(ev.result.value)
  end
  local msg = ev.result.error:message()
  if not msg:find("linked process failed", 1, true) then
    return false, "victim's error: " .. msg
  end
  return true
end

return { main = main }
