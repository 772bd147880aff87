-- Registers `name` for itself, tells `parent` ("registered", ok), and waits for "stop".
local function main(parent, name)
  local ok, err = process.registry.register(name)
  process.send(parent, "registered", { ok = ok, err = err and tostring(err) })
  local inbox = process.inbox()
  while true do
    local msg = inbox:receive()
    if msg:topic() == "stop" then
      return "stopped"
    end
  end
end

return { main = main }
