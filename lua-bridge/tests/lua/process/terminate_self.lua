-- A process may terminate itself: it ends with an error (its monitor sees it).
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:self_terminate_worker", "test:processes"))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "self-terminating worker did not end"
  end
  if r.value.from ~= pid then
    return false, "EXIT from a stranger"
  end
  if r.value.result.error == nil then
    return false, "self-terminated worker exited normally with " .. tostring(r.value.result.value)
  end
  return true
end

return { main = main }
