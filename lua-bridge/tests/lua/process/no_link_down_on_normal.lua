-- A linked process that exits normally sends no LINK_DOWN.
local time = require("time")

local function main()
  assert(process.set_options({ trap_links = true }))
  local events = process.events()
  local pid = assert(process.spawn_linked_monitored("test:normal_worker", "test:processes", 7, "20ms"))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no EXIT"
  end
  if r.value.kind ~= process.event.EXIT or r.value.from ~= pid or r.value.result.value ~= 7 then
    return false, "expected a normal EXIT first, got " .. tostring(r.value.kind)
  end
  timeout = time.after("200ms")
  r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel ~= timeout then
    return false, "unexpected event " .. tostring(r.value.kind)
  end
  return true
end

return { main = main }
