-- Monitoring a pid that has already exited fails with nil, err (or, Erlang-style,
-- sends EXIT at once); it never succeeds silently.
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:normal_worker", "test:processes"))
  local first = events:receive()
  if first.kind ~= process.event.EXIT then
    return false, "expected EXIT"
  end
  local ok, err = process.monitor(pid)
  if ok == nil then
    if err == nil then
      return false, "monitor of a dead pid: nil without an error"
    end
    return true
  end
  local timeout = time.after("500ms")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "monitor of a dead pid succeeded, but no EXIT followed"
  end
  return true
end

return { main = main }
