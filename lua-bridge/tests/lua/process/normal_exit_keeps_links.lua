-- A process that exits normally does not take its linked partners down.
local time = require("time")

local function main()
  local events = process.events()
  local reports = process.listen("child")
  local hub = assert(process.spawn_monitored("test:star_hub", "test:processes", process.pid(), 2))
  local children = {}
  for i = 1, 2 do
    local timeout = time.after("2s")
    local r = channel.select { reports:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "children not spawned"
    end
    children[i] = r.value
    assert(process.monitor(r.value))
  end
  process.send(hub, "stop")
  local ev = events:receive()
  if ev.from ~= hub or ev.result.value ~= "stopped" then
    return false, "hub did not stop normally"
  end
  local timeout = time.after("200ms")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel ~= timeout then
    return false, "a linked child died after a normal exit of its hub"
  end
  for _, child in ipairs(children) do
    if not process.send(child, "stop") then
      return false, "child is gone"
    end
  end
  for _ = 1, 2 do
    ev = events:receive()
    if ev.result.value ~= "stopped" then
      return false, "child did not stop normally"
    end
  end
  return true
end

return { main = main }
