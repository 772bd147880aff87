-- A script that fails at its top level (an error, no method) fails the spawn itself, as
-- the original's spawn runs the top level before it returns: every spawn call returns
-- nil and an error naming the cause, and no EXIT or LINK_DOWN follows (for the spawner
-- the process never started), linked or not. A top level that works first (a loop, a
-- call) and succeeds gives its PID as any other.
local wait = require("wait")

-- Calls `spawn` and checks that it failed with an error naming `cause`.
local function check(what, cause, spawn)
  local pid, err = spawn()
  if pid ~= nil then
    error(what .. ": expected no PID, got " .. tostring(pid))
  end
  if err == nil then
    error(what .. ": expected an error")
  end
  local message = err:message()
  if not message:find("spawn failed", 1, true) or not message:find(cause, 1, true) then
    error(what .. ": the error does not name the cause: " .. message)
  end
  if err:kind() ~= errors.INTERNAL or err:retryable() ~= false then
    error(what .. ": kind " .. tostring(err:kind()) .. ", retryable " .. tostring(err:retryable()))
  end
end

local function main()
  local events = process.events()
  local failing, host = "test:top_level_error_worker", "test:processes"
  local raised = "attempt to index a nil value"
  check("spawn", raised, function() return process.spawn(failing, host) end)
  check("spawn_monitored", raised, function() return process.spawn_monitored(failing, host) end)
  check("spawn_linked", raised, function() return process.spawn_linked(failing, host) end)
  check("spawn_linked_monitored", raised, function()
    return process.spawn_linked_monitored(failing, host)
  end)
  check("spawner", raised, function()
    return process.with_options({}):spawn_linked_monitored(failing, host)
  end)
  check("no method", "main", function()
    return process.spawn_monitored("test:no_main_worker", host)
  end)

  -- Nothing of those processes comes (this process is alive: no link took it down).
  local event = wait.try_receive(events, "200ms")
  if event ~= nil then
    return false, "an event came: " .. tostring(event.kind) .. " " .. tostring(event.error)
  end

  local pid, err = process.spawn_monitored("test:top_level_work_worker", "test:processes")
  if pid == nil then
    return false, "a top level that works failed the spawn: " .. tostring(err)
  end
  local exit = wait.receive(events)
  if exit.from ~= pid or exit.result.value ~= "sum 55" then
    return false, "the working process's EXIT: " .. tostring(exit.result.value)
      .. " (" .. tostring(exit.error) .. ")"
  end
  return true
end

return { main = main }
