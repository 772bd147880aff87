-- Registers `name`, tells `parent` ("registered", its pid), then waits for one event on
-- process.events() and returns "cancelled" for a CANCEL, "event: <kind>" otherwise.
local function main(parent, name)
  local events = process.events()
  assert(process.registry.register(name))
  process.send(parent, "registered", process.pid())
  local ev = events:receive()
  if ev.kind == process.event.CANCEL then
    return "cancelled"
  end
  return "event: " .. tostring(ev.kind)
end

return { main = main }
