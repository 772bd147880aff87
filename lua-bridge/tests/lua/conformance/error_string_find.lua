-- An error value returned by the process API can be searched with string.find like a
-- string: the original's own tests do `string.find(err, "not found")` on the error of a
-- send to a dead pid (R tests/app/src/test/process/terminate_cascade.lua,
-- link_down_error_info.lua, cancel_delivery.lua).
local receive = require("wait").receive

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:normal_worker", "test:processes"))
  local ev = receive(events)
  if ev.kind ~= process.event.EXIT then
    return false, "expected EXIT, got " .. tostring(ev.kind)
  end
  local ok, err = process.send(pid, "test", "hello")
  if ok then
    return false, "send to a dead pid succeeded"
  end
  local found_ok, found = pcall(string.find, err, "not found")
  if not found_ok then
    return false, "string.find on an error raised: " .. tostring(found)
  end
  if not found then
    return false, "string.find did not find 'not found' in " .. tostring(err)
  end
  return true
end

return { main = main }
