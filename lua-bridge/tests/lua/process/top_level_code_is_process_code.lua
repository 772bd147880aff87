-- An entry's top level (its chunk, before main) runs as the process's own code: a loop
-- there is preempted and can be terminated (its EXIT comes), and a blocking call there
-- waits as it would in main.
local receive = require("wait").receive

local function main()
  local events = process.events()
  local looping = process.spawn_monitored("test:top_level_loop_worker", "test:processes")
  -- This process keeps running beside it (the loop is preempted).
  time.sleep("50ms")
  assert(process.terminate(looping))
  local exit = receive(events)
  if exit.kind ~= process.event.EXIT or exit.from ~= looping or exit.result.error == nil then
    return false, "the looping process's EXIT: " .. tostring(exit.kind)
  end

  local waiting = process.spawn_monitored("test:top_level_wait_worker", "test:processes")
  process.send(waiting, "value", "from the top level")
  exit = receive(events)
  if exit.from ~= waiting or exit.result.value ~= "from the top level" then
    return false, "the waiting process returned " .. tostring(exit.result.value)
      .. " (" .. tostring(exit.error) .. ")"
  end
  return true
end

return { main = main }
