-- After process.unmonitor(pid) no EXIT of pid arrives, also when pid ended before the
-- unmonitor: while this process ran on (its EXIT on its way), or while it slept (its
-- EXIT taken but not received).
local try_receive = require("wait").try_receive

local function main()
  local events = process.events()

  -- Ended while this process ran without waiting.
  local quick = assert(process.spawn("test:normal_worker", "test:processes"))
  assert(process.monitor(quick))
  local x = 0
  for i = 1, 3000000 do x = x + i end
  assert(process.unmonitor(quick))

  -- Ended while this process slept (its EXIT was taken in).
  local other = assert(process.spawn_monitored("test:normal_worker", "test:processes"))
  time.sleep("50ms")
  assert(process.unmonitor(other))

  local stray = try_receive(events, "300ms")
  if stray ~= nil then
    return false, "an EXIT arrived after unmonitor from " .. tostring(stray.from)
  end
  -- A monitor still held delivers as before.
  local kept = assert(process.spawn_monitored("test:normal_worker", "test:processes"))
  local exit = try_receive(events, "2s")
  if exit == nil or exit.from ~= kept then
    return false, "the EXIT of a process still monitored did not come"
  end
  return true
end

return { main = main }
