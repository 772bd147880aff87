-- Registers `name`, tells `parent` ("registered"), then answers every inbox message
-- with its own pid (topic "echo"); "release" unregisters the name (answered with
-- "released"), "stop" ends the worker.
local function main(parent, name)
  assert(process.registry.register(name))
  process.send(parent, "registered", true)
  local inbox = process.inbox()
  while true do
    local msg = inbox:receive()
    local topic = msg:topic()
    if topic == "stop" then
      return "stopped"
    elseif topic == "release" then
      process.registry.unregister(name)
      process.send(msg:from(), "released", true)
    else
      process.send(msg:from(), "echo", process.pid())
    end
  end
end

return { main = main }
