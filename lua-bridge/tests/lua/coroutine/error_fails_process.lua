-- An unhandled error in a spawned coroutine fails the whole process; the EXIT
-- carries the coroutine's error message.
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:coroutine_error_worker", "test:processes"))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "worker did not end"
  end
  local ev = r.value
  if ev.from ~= pid or ev.result.error == nil then
    return false, "worker did not fail"
  end
  if not ev.result.error:message():find("coroutine failed on purpose", 1, true) then
    return false, "error: " .. ev.result.error:message()
  end
  return true
end

return { main = main }
