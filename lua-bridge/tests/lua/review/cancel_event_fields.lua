-- A CANCEL event is the plain table {kind, from, at, reason} (reference §1.2 "Event
-- tables": "CANCEL: {kind, from, at, reason}"): at is a number of Unix seconds, from
-- the canceller's pid.
local receive = require("wait").receive

local function main(role, parent)
  if role == "target" then
    local ev = process.events():receive()
    process.send(parent, "ev", { kind = ev.kind, from = ev.from, at = ev.at, reason = ev.reason,
      at_type = type(ev.at) })
    return true
  end
  local evs = process.listen("ev")
  local pid = assert(process.spawn(process.id(), "test:processes", "target", process.pid()))
  assert(process.cancel(pid, "stop now"))
  local ev = receive(evs)
  if ev.kind ~= process.event.CANCEL then
    return false, "kind " .. tostring(ev.kind)
  end
  if ev.from ~= process.pid() then
    return false, "from " .. tostring(ev.from)
  end
  if ev.reason ~= "stop now" then
    return false, "reason " .. tostring(ev.reason)
  end
  if ev.at_type ~= "number" or math.abs(ev.at - os.time()) > 2 then
    return false, "at " .. tostring(ev.at) .. " (" .. ev.at_type .. ")"
  end
  return true
end

return { main = main }
