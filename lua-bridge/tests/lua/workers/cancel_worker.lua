-- Waits for CANCEL on its events channel, reports it to `parent` (topic "cancelled",
-- {reason, from, kind}) and exits normally with "cancelled".
local function main(parent)
  local events = process.events()
  process.send(parent, "ready", process.pid())
  while true do
    local ev = events:receive()
    if ev.kind == process.event.CANCEL then
      process.send(parent, "cancelled", { reason = ev.reason, from = ev.from, kind = ev.kind })
      return "cancelled"
    end
  end
end

return { main = main }
