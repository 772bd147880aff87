-- Sleeps `delay` (default 100ms) before its first call to process.events(), then waits
-- for one event and returns "cancelled" for a CANCEL (with its reason in `parent`'s
-- "reason" topic when `parent` is given), or "event: <kind>" otherwise.
local time = require("time")

local function main(parent, delay)
  time.sleep(delay or "100ms")
  local ev = process.events():receive()
  if ev.kind == process.event.CANCEL then
    if parent then
      process.send(parent, "reason", { reason = ev.reason, from = ev.from })
    end
    return "cancelled"
  end
  return "event: " .. tostring(ev.kind)
end

return { main = main }
