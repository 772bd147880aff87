-- trap_links is off by default: a process whose linked partner fails dies with an
-- error (seen here through a monitor from a third process).
local time = require("time")

local function main()
  local opts = process.get_options()
  if type(opts) ~= "table" or opts.trap_links ~= false then
    return false, "default trap_links is " .. tostring(opts and opts.trap_links)
  end
  local events = process.events()
  local linked = process.listen("linked")
  local waiter = assert(process.spawn_monitored("test:link_waiter", "test:processes", process.pid(), "50ms"))
  local timeout = time.after("2s")
  local r = channel.select { linked:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "link_waiter did not link"
  end
  local failing = r.value
  timeout = time.after("2s")
  r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "link_waiter did not die"
  end
  local ev = r.value
  if ev.kind ~= process.event.EXIT or ev.from ~= waiter then
    return false, "unexpected event " .. tostring(ev.kind)
  end
  if ev.result.error == nil then
    return false, "link_waiter exited normally (value " .. tostring(ev.result.value) .. ")"
  end
  if failing == waiter then
    return false, "confused pids"
  end
  return true
end

return { main = main }
