-- process.unmonitor accepts a registered name (reference §1.2: "Every dest argument
-- accepts a name"): after monitor(name) and unmonitor(name) the holder's exit sends no
-- EXIT.
local try_receive = require("wait").try_receive

local function main(role)
  if role == "holder" then
    assert(process.registry.register("review_unmon_holder"))
    process.listen("stop"):receive()
    return "stopped"
  end
  local events = process.events()
  local holder = assert(process.spawn(process.id(), "test:processes", "holder"))
  local deadline = 0
  while process.registry.lookup("review_unmon_holder") == nil and deadline < 100 do
    require("time").sleep("5ms")
    deadline = deadline + 1
  end
  local ok, err = process.monitor("review_unmon_holder")
  if ok ~= true then
    return false, "monitor by name: " .. tostring(err)
  end
  ok, err = process.unmonitor("review_unmon_holder")
  if ok ~= true then
    return false, "unmonitor by name: " .. tostring(err)
  end
  process.send(holder, "stop", true)
  local ev = try_receive(events, "300ms")
  if ev ~= nil then
    return false, "EXIT arrived after unmonitor by name"
  end
  return true
end

return { main = main }
