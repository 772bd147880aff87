-- The error of a process's EXIT has the original's kind: a raised error, or an error
-- returned as `nil, err`, of no kind is INTERNAL (as its toAPIError fills it in), while
-- an error with a kind keeps it; a terminated process ends with INTERNAL "process
-- terminated"; a process killed by a link it does not trap ends with a plain error
-- ("linked process failed", no kind, no details).
local wait = require("wait")

local function exit_of(pid, events)
  while true do
    local e = wait.receive(events)
    if e.kind == process.event.EXIT and e.from == pid then
      return e
    end
  end
end

local function main()
  local events = process.events()
  local inbox = process.inbox()

  local raised = assert(process.spawn_monitored("test:error_worker", "test:processes"))
  local e = exit_of(raised, events)
  assert(e.result.error:kind() == errors.INTERNAL, "raised: " .. tostring(e.result.error:kind()))
  assert(tostring(e.result.error):find("worker failed on purpose", 1, true), tostring(e.result.error))
  assert(e.error == e.result.error)

  local returned = assert(process.spawn_monitored("test:return_worker", "test:processes", "plain_error_object"))
  e = exit_of(returned, events)
  assert(e.result.error:kind() == errors.INTERNAL, "returned: " .. tostring(e.result.error:kind()))

  local kinded = assert(process.spawn_monitored("test:return_worker", "test:processes", "error_object"))
  e = exit_of(kinded, events)
  assert(e.result.error:kind() == errors.TIMEOUT, "kept kind: " .. tostring(e.result.error:kind()))

  local long = assert(process.spawn_monitored("test:long_worker", "test:processes"))
  assert(process.terminate(long))
  e = exit_of(long, events)
  assert(e.result.error:kind() == errors.INTERNAL, "terminated: " .. tostring(e.result.error:kind()))
  assert(e.result.error:message() == "process terminated", e.result.error:message())

  local waiter = assert(process.spawn_monitored("test:link_waiter", "test:processes", process.pid(), "10ms"))
  wait.receive(inbox)
  e = exit_of(waiter, events)
  local err = e.result.error
  assert(err:message() == "linked process failed", err:message())
  assert(err:kind() == errors.UNKNOWN, "link down: " .. tostring(err:kind()))
  assert(err:details() == nil, "link down has no details")
  return true
end

return { main = main }
