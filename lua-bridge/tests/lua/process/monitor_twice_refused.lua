-- Monitoring a process this process monitors already is refused with nil and an error,
-- as the original's topology does ("already monitoring pid", which its monitor command
-- returns as kind INTERNAL with the context "monitor failed"); after unmonitor it may
-- monitor again, and exactly one EXIT arrives.
local wait = require("wait")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:echo_worker", "test:processes"))
  local ok, err = process.monitor(pid)
  assert(ok == nil and err, "a second monitor must fail")
  assert(err:kind() == errors.INTERNAL, tostring(err:kind()))
  assert(tostring(err) == "monitor failed: already monitoring pid", tostring(err))
  assert(err:message() == "already monitoring pid", err:message())
  assert(err:retryable() == false)
  assert(process.unmonitor(pid))
  assert(process.monitor(pid) == true, "monitor again after unmonitor")
  assert(process.terminate(pid))
  local e = wait.receive(events)
  assert(e.kind == process.event.EXIT and e.from == pid)
  assert(wait.try_receive(events, "100ms") == nil, "one EXIT only")
  return true
end

return { main = main }
