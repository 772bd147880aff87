-- process.exec waits only for its own process: its EXIT never reaches events(), two
-- coroutines can exec at once, bad arguments and unknown entries give nil, err without
-- spawning, and a coroutine that cannot wait (coroutine.create) gets an error.
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

  -- A coroutine of coroutine.create cannot wait.
  local co = coroutine.create(function()
    return process.exec("test:normal_worker", "test:processes")
  end)
  local ok, raised = coroutine.resume(co)
  if ok or not tostring(raised):find("blocking calls work only", 1, true) then
    return false, "exec in coroutine.create: " .. tostring(ok) .. ", " .. tostring(raised)
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
