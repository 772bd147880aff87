-- With trap_links, a linked process failing arrives as a LINK_DOWN event carrying
-- the error; the trapping process lives on.
local time = require("time")

local function main()
  local ok, err = process.set_options({ trap_links = true })
  if not ok then
    return false, "set_options failed: " .. tostring(err)
  end
  local events = process.events()
  local pid = assert(process.spawn_linked("test:error_worker", "test:processes", "20ms"))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no LINK_DOWN"
  end
  local ev = r.value
  if ev.kind ~= process.event.LINK_DOWN or ev.kind ~= "pid.link.down" then
    return false, "expected LINK_DOWN, got " .. tostring(ev.kind)
  end
  if ev.from ~= pid then
    return false, "LINK_DOWN from " .. tostring(ev.from)
  end
  if ev.result == nil or ev.result.error == nil then
    return false, "LINK_DOWN without result.error"
  end
  if not ev.result.error:message():find("worker failed on purpose", 1, true) then
    return false, "LINK_DOWN error: " .. ev.result.error:message()
  end
  return true
end

return { main = main }
