-- terminate() ends a process that never blocks but calls functions in its loop.
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:busy_calls_worker", "test:processes"))
  time.sleep("50ms")
  assert(process.terminate(pid))
  local timeout = time.after("3s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "busy worker did not end after terminate"
  end
  if r.value.from ~= pid or r.value.result.error == nil then
    return false, "unexpected EXIT"
  end
  return true
end

return { main = main }
