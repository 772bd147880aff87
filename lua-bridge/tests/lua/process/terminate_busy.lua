-- terminate() also ends a process that never yields (a busy loop).
local time = require("time")

local function main()
  time.sleep("20ms") -- settle: a new pid is published late (process/send_to_self_at_start)
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:busy_worker", "test:processes"))
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
