-- Linking to a pid that has already exited does not succeed silently: it returns
-- nil, err, or (Erlang-style, trapping) delivers LINK_DOWN at once.
local time = require("time")

local function main()
  assert(process.set_options({ trap_links = true }))
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:normal_worker", "test:processes"))
  local first = events:receive()
  if first.kind ~= process.event.EXIT or first.from ~= pid then
    return false, "expected EXIT"
  end
  local ok, err = process.link(pid)
  if ok == nil then
    if err == nil then
      return false, "link to a dead pid: nil without an error"
    end
    return true
  end
  local timeout = time.after("300ms")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "link to a dead pid succeeded and nothing followed"
  end
  return true
end

return { main = main }
