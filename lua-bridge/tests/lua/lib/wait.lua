-- Receiving with a timeout, shared by the test programs (a library.lua entry that the
-- runner imports into every program and worker as "wait"), so that a program whose
-- message never comes fails at once with a clear error instead of hanging the test.
local time = require("time")

local wait = {}

-- Whether a value came on channel `ch` before `d` (default "2s") passed, and the value.
local function next_value(ch, d)
  local timeout = time.after(d or "2s")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  return r.channel ~= timeout, r.value
end

-- The next value of channel `ch`, or nil once `d` (default "2s") has passed.
function wait.try_receive(ch, d)
  local got, value = next_value(ch, d)
  if got then
    return value
  end
  return nil
end

-- The next value of channel `ch`; raises "timeout" once `d` (default "2s") has passed.
function wait.receive(ch, d)
  local got, value = next_value(ch, d)
  if not got then
    error("timeout", 2)
  end
  return value
end

-- Yields the running coroutine a few times, so that the process's other coroutines
-- run up to their next wait.
function wait.yield_a_few()
  for _ = 1, 5 do
    coroutine.yield()
  end
end

return wait
