-- process.link / process.unlink accept a registered name: after link(name) the holder's
-- termination arrives as LINK_DOWN (trap_links on); after unlink(name) a second
-- holder's termination sends nothing (§1.2: "Every dest argument accepts a name").
local wait = require("wait")

local function main()
  assert(process.set_options({ trap_links = true }))
  local events = process.events()
  local registered = process.listen("registered")
  local a = assert(process.spawn("test:registry_worker", "test:processes", process.pid(), "conf_link_a"))
  local b = assert(process.spawn("test:registry_worker", "test:processes", process.pid(), "conf_link_b"))
  for _ = 1, 2 do
    local r = wait.receive(registered)
    if r.ok ~= true then
      return false, "worker could not register: " .. tostring(r.err)
    end
  end
  local ok, err = process.link("conf_link_a")
  if ok ~= true then
    return false, "link by name failed: " .. tostring(err)
  end
  ok, err = process.link("conf_link_b")
  if ok ~= true then
    return false, "link b by name failed: " .. tostring(err)
  end
  ok, err = process.unlink("conf_link_b")
  if ok ~= true then
    return false, "unlink by name failed: " .. tostring(err)
  end
  assert(process.terminate(b))
  assert(process.terminate(a))
  local ev = wait.receive(events)
  if ev.kind ~= process.event.LINK_DOWN or ev.from ~= a then
    return false, "expected LINK_DOWN from a, got " .. tostring(ev.kind) .. " from " .. tostring(ev.from)
  end
  local extra = wait.try_receive(events, "200ms")
  if extra ~= nil then
    return false, "unexpected event " .. tostring(extra.kind) .. " from " .. tostring(extra.from)
  end
  return true
end

return { main = main }
