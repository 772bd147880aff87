-- Sends to a name follow the name, however often the sender used it: once its owner
-- unregisters it and another process registers it, sends reach the new owner (the old
-- one still lives); once its owner exits, sends fail.
local time = require("time")

local receive = require("wait").receive

local function owner_of(name, inbox)
  assert(process.send(name, "who", 1))
  return receive(inbox):payload():data()
end

local function main()
  local inbox = process.inbox()
  local me = process.pid()
  local first = assert(process.spawn("test:named_echo_worker", "test:processes", me, "moving"))
  receive(inbox)
  for _ = 1, 3 do
    if owner_of("moving", inbox) ~= first then
      return false, "the name does not reach its first owner"
    end
  end
  assert(process.send("moving", "release"))
  receive(inbox)
  local second = assert(process.spawn("test:named_echo_worker", "test:processes", me, "moving"))
  receive(inbox)
  for _ = 1, 3 do
    local owner = owner_of("moving", inbox)
    if owner ~= second then
      return false, "after the move the name reached " .. tostring(owner) .. ", not " .. second
    end
  end
  -- The owner exits: its name is released with it.
  assert(process.send("moving", "stop"))
  local waited = 0
  while process.registry.lookup("moving") do
    if waited > 2000 then
      return false, "the name outlived its owner"
    end
    time.sleep("1ms")
    waited = waited + 1
  end
  local ok, err = process.send("moving", "who", 1)
  if ok ~= nil or err == nil then
    return false, "send to a released name: " .. tostring(ok)
  end
  assert(process.send(first, "stop"))
  return true
end

return { main = main }
