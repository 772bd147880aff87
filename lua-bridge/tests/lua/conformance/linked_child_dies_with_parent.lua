-- spawn_linked works both ways: when the spawning parent fails, its linked child
-- (trap_links off) dies with an error too (processes-and-messaging: "Child terminates
-- if parent crashes (unless trap_links is set)").
local receive = require("wait").receive

local function main()
  local events = process.events()
  local children = process.listen("child")
  local parent = assert(process.spawn_monitored("test:conf_linked_parent_worker", "test:processes", process.pid()))
  local child = receive(children)
  assert(process.monitor(child))
  assert(process.send(parent, "fail"))
  local seen = {}
  for _ = 1, 2 do
    local ev = receive(events)
    if ev.kind ~= process.event.EXIT then
      return false, "unexpected event " .. tostring(ev.kind)
    end
    seen[ev.from] = ev
  end
  if not seen[parent] or not seen[parent].result.error then
    return false, "parent did not fail"
  end
  if not seen[child] then
    return false, "no EXIT from the child"
  end
  if not seen[child].result.error then
    return false, "child exited normally: " .. tostring(seen[child].result.value)
  end
  return true
end

return { main = main }
