-- A process whose coroutines are all blocked on process-local channels, with nothing
-- outside able to wake them, fails with a "deadlock" error (main alone; and main plus
-- a coroutine waiting on each other).
local time = require("time")

local function expect_deadlock(events, mode)
  local pid = assert(process.spawn_monitored("test:deadlock_worker", "test:processes", mode))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    error(mode .. ": deadlocked worker did not end")
  end
  local ev = r.value
  if ev.from ~= pid or ev.result.error == nil then
    error(mode .. ": worker did not fail")
  end
  if not ev.result.error:message():find("deadlock", 1, true) then
    error(mode .. ": error " .. ev.result.error:message())
  end
end

local function main()
  local events = process.events()
  expect_deadlock(events, "main")
  expect_deadlock(events, "pair")
  return true
end

return { main = main }
