-- A process may cancel itself: CANCEL arrives on its own events channel, from itself.
local time = require("time")

local function main()
  local events = process.events()
  assert(process.cancel(process.pid(), "self requested"))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no CANCEL"
  end
  local ev = r.value
  if ev.kind ~= process.event.CANCEL or ev.reason ~= "self requested" or ev.from ~= process.pid() then
    return false, "CANCEL " .. tostring(ev.kind) .. " " .. tostring(ev.reason) .. " from " .. tostring(ev.from)
  end
  return true
end

return { main = main }
