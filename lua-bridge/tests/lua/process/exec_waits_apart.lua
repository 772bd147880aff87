-- process.exec waits only for its own process: its EXIT never reaches events(), two
-- coroutines can exec at once, bad arguments and unknown entries give nil, err without
-- spawning, and an exec inside a coroutine.create coroutine waits through its resume.
local receive = require("wait").receive
local try_receive = require("wait").try_receive

local function main()
  local events = process.events()

  -- Two execs at once, in coroutines of their own; the slower one was started first.
  local results = channel.new(2)
  coroutine.spawn(function()
    local v, err = process.exec("test:normal_worker", "test:processes", "slow", "50ms")
    results:send({ v = v, err = err })
  end)
  coroutine.spawn(function()
    local v, err = process.exec("test:normal_worker", "test:processes", "fast")
    results:send({ v = v, err = err })
  end)
  local first, second = receive(results), receive(results)
  if first.v ~= "fast" or second.v ~= "slow" or first.err or second.err then
    return false, "concurrent execs: " .. tostring(first.v) .. ", " .. tostring(second.v)
  end

  -- The exec'd processes' EXITs were theirs alone.
  local stray = try_receive(events, "100ms")
  if stray ~= nil then
    return false, "events() got " .. tostring(stray.kind) .. " from " .. tostring(stray.from)
  end

  -- Bad arguments and an unknown entry: nil, err at once.
  local v, err = process.exec(42, "test:processes")
  if v ~= nil or err == nil or err:kind() ~= errors.INVALID then
    return false, "exec(42): " .. tostring(v) .. ", " .. tostring(err)
  end
  -- As the original's exec command fails: kind INTERNAL, context "exec failed".
  v, err = process.exec("test:no_such_entry", "test:processes")
  if v ~= nil or err == nil or err:kind() ~= errors.INTERNAL
    or tostring(err) ~= "exec failed: entry not found: test:no_such_entry" then
    return false, "exec of an unknown entry: " .. tostring(v) .. ", " .. tostring(err)
  end

  -- A coroutine of coroutine.create waits as the process's own do: its wait passes up
  -- through coroutine.resume.
  local co = coroutine.create(function()
    return process.exec("test:normal_worker", "test:processes")
  end)
  local ok, value = coroutine.resume(co)
  if not ok or value == nil then
    return false, "exec in coroutine.create: " .. tostring(ok) .. ", " .. tostring(value)
  end

  -- A monitored process's EXIT still reaches events() as before.
  local pid = process.spawn_monitored("test:normal_worker", "test:processes")
  local exit = receive(events)
  if exit.kind ~= process.event.EXIT or exit.from ~= pid then
    return false, "spawn_monitored's EXIT: " .. tostring(exit.kind)
  end
  return true
end

return { main = main }
