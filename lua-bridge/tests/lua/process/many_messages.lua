-- The mailbox is unbounded: 5000 messages sent before any receive all arrive, in
-- order (to self, and back from an echo worker).
local time = require("time")

local function main()
  local n = 5000
  for i = 1, n do
    assert(process.send(process.pid(), "n", i))
  end
  local ch = process.listen("n")
  for i = 1, n do
    local v = ch:receive()
    if v ~= i then
      return false, "got " .. tostring(v) .. " at " .. i
    end
  end
  local echo = assert(process.spawn("test:echo_worker", "test:processes"))
  for i = 1, 1000 do
    process.send(echo, "n", i)
  end
  local inbox = process.inbox()
  for i = 1, 1000 do
    local timeout = time.after("5s")
    local r = channel.select { inbox:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "echo stopped at " .. i
    end
    if r.value:payload():data() ~= i then
      return false, "echo out of order at " .. i
    end
  end
  process.send(echo, "stop")
  return true
end

return { main = main }
