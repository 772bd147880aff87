-- Sends to the same pid again and again reach it, and once that process has exited
-- they fail as a send to any dead pid does (nil, err NOT_FOUND), even right after
-- successful ones; a reserved topic is refused for a pid sent to before; another pid
-- and a name in between change nothing.

local receive = require("wait").receive

local function main()
  local inbox = process.inbox()
  local events = process.events()
  local echo = assert(process.spawn_monitored("test:echo_worker", "test:processes"))
  for i = 1, 3 do
    assert(process.send(echo, "x", i))
    local reply = receive(inbox)
    if reply:payload():data() ~= i then
      return false, "echo " .. i .. ": " .. tostring(reply:payload():data())
    end
  end
  local ok, err = process.send(echo, "@pid/events", 1)
  if ok ~= nil or err == nil or err:kind() ~= errors.INVALID then
    return false, "reserved topic to a kept pid: " .. tostring(ok) .. ", " .. tostring(err)
  end
  -- Another destination in between, then back.
  assert(process.send(process.pid(), "self", 1))
  receive(inbox)
  assert(process.send(echo, "x", 4))
  receive(inbox)
  assert(process.send(echo, "stop"))
  local exit = receive(events)
  if exit.kind ~= process.event.EXIT then
    return false, "expected EXIT, got " .. tostring(exit.kind)
  end
  for _ = 1, 2 do
    ok, err = process.send(echo, "x", 5)
    if ok ~= nil or err == nil or err:kind() ~= errors.NOT_FOUND then
      return false, "send to the exited pid: " .. tostring(ok) .. ", " .. tostring(err)
    end
  end
  return true
end

return { main = main }
