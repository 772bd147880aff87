-- After process.unlink(pid), a partner's failure no longer takes down a process with
-- trap_links off (processes-and-messaging.txt "Explicit Linking").
local receive = require("wait").receive

local function main(role, parent)
  if role == "fail" then
    process.listen("go"):receive()
    error("unlinked partner fails")
  elseif role == "middle" then
    local partner = assert(process.spawn_linked(process.id(), "test:processes", "fail"))
    local ok, err = process.unlink(partner)
    if ok ~= true then
      return "unlink failed: " .. tostring(err)
    end
    assert(process.monitor(partner))
    local events = process.events()
    process.send(partner, "go", true)
    local ev = events:receive()
    if ev.kind ~= process.event.EXIT or ev.result.error == nil then
      return "unexpected " .. tostring(ev.kind)
    end
    return "survived"
  end
  local events = process.events()
  local pid = assert(process.spawn_monitored(process.id(), "test:processes", "middle"))
  local ev = receive(events)
  if ev.from ~= pid then
    return false, "event from another pid"
  end
  if ev.result.error ~= nil then
    return false, "middle died: " .. ev.result.error:message()
  end
  if ev.result.value ~= "survived" then
    return false, "middle: " .. tostring(ev.result.value)
  end
  return true
end

return { main = main }
