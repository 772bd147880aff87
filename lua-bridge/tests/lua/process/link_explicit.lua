-- process.link(pid) ties the caller to a running process (LINK_DOWN when it is
-- terminated); after process.unlink(pid) its failure sends nothing.
local time = require("time")

local function next_event(events)
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    error("timeout waiting for an event")
  end
  return r.value
end

local function main()
  assert(process.set_options({ trap_links = true }))
  local events = process.events()

  local a = assert(process.spawn("test:long_worker", "test:processes"))
  local ok, err = process.link(a)
  if ok ~= true then
    return false, "link failed: " .. tostring(err)
  end
  assert(process.terminate(a))
  local ev = next_event(events)
  if ev.kind ~= process.event.LINK_DOWN or ev.from ~= a then
    return false, "expected LINK_DOWN from the linked worker, got " .. tostring(ev.kind)
  end

  local b = assert(process.spawn("test:long_worker", "test:processes"))
  assert(process.link(b))
  ok, err = process.unlink(b)
  if ok ~= true then
    return false, "unlink failed: " .. tostring(err)
  end
  assert(process.monitor(b))
  assert(process.terminate(b))
  ev = next_event(events)
  if ev.kind ~= process.event.EXIT or ev.from ~= b then
    return false, "expected EXIT (monitor) after unlink, got " .. tostring(ev.kind)
  end
  local timeout = time.after("100ms")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel ~= timeout then
    return false, "event after unlink: " .. tostring(r.value.kind)
  end
  return true
end

return { main = main }
