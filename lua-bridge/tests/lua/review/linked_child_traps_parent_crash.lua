-- spawn_linked: "Child terminates if parent crashes (unless trap_links is set)"
-- (processes-and-messaging.txt, "Spawn Linked Process"). A child that set trap_links
-- survives its parent's crash and gets LINK_DOWN from it instead.
local receive = require("wait").receive

local function main(role, reporter)
  if role == "parent" then
    local ready = process.listen("ready")
    assert(process.spawn_linked(process.id(), "test:processes", "child", reporter))
    ready:receive()
    error("parent crashes on purpose")
  elseif role == "child" then
    assert(process.set_options({ trap_links = true }))
    local events = process.events()
    process.send(reporter, "child", process.pid())
    -- The reporter tells us the parent pid; we tell the parent we are set up.
    local parent = process.listen("parent"):receive()
    process.send(parent, "ready", true)
    local ev = events:receive()
    process.send(reporter, "child_event", { kind = ev.kind, from = ev.from })
    return "survived"
  end
  local events = process.events()
  local child_ch = process.listen("child")
  local child_ev = process.listen("child_event")
  local parent = assert(process.spawn_monitored(process.id(), "test:processes", "parent", process.pid()))
  local child = receive(child_ch)
  assert(process.monitor(child))
  process.send(child, "parent", parent)
  local got = receive(child_ev)
  if got.kind ~= process.event.LINK_DOWN or got.from ~= parent then
    return false, "child got " .. tostring(got.kind) .. " from " .. tostring(got.from)
  end
  -- The parent's EXIT (an error) and the child's normal EXIT.
  local seen = {}
  for _ = 1, 2 do
    local ev = receive(events)
    seen[ev.from] = ev
  end
  if seen[parent] == nil or seen[parent].result.error == nil then
    return false, "parent did not fail"
  end
  if seen[child] == nil or seen[child].result.error ~= nil or seen[child].result.value ~= "survived" then
    return false, "child did not survive"
  end
  return true
end

return { main = main }
