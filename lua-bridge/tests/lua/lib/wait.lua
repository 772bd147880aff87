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

-- Spawns test:reply_worker, which sleeps 10 ms and answers "pong", and waits up to `d`
-- (default "1s") for its answer: the milliseconds it took, or nil and a reason (for
-- the fairness programs: a new process still runs while others loop).
function wait.reply_from_new_process(d)
  local pongs = process.listen("pong")
  local start = time.now()
  local replier = assert(process.spawn("test:reply_worker", "test:processes", process.pid(), "10ms"))
  local got, from = next_value(pongs, d or "1s")
  process.unlisten(pongs)
  if not got then
    return nil, "no reply within " .. (d or "1s")
  end
  if from ~= replier then
    return nil, "reply from " .. tostring(from)
  end
  return time.now():sub(start):milliseconds()
end

-- Terminates every process of `pids` (a set: PID keys) and waits up to `d` (default
-- "2s") for each one's EXIT on `events` (the caller monitors them): true, or nil and a
-- reason.
function wait.terminate_all(events, pids, d)
  local left = {}
  for pid in pairs(pids) do
    assert(process.terminate(pid))
    left[pid] = true
  end
  while next(left) do
    local got, e = next_value(events, d or "2s")
    if not got then
      return nil, "a process survived terminate"
    end
    if not left[e.from] then
      return nil, "EXIT from an unexpected process " .. tostring(e.from)
    end
    left[e.from] = nil
  end
  return true
end

-- The fairness check: with the processes of `loopers` (a set: PID keys, monitored by
-- the caller, whose events channel is `events`) busy on every worker, a new process
-- still answers within a second, and then each looper ends when terminated. True, or
-- nil and a reason (`what` names the loopers in it).
function wait.others_still_run(events, loopers, what)
  local ms, err = wait.reply_from_new_process()
  if not ms then
    return nil, err .. " while " .. what .. " run"
  end
  local ended, why = wait.terminate_all(events, loopers)
  if not ended then
    return nil, why
  end
  if ms > 1000 then
    return nil, "reply took " .. ms .. "ms while " .. what .. " run"
  end
  return true
end

-- The check of loops that cannot be preempted: spawns test:callback_loop_worker once
-- for each of `ways` (monitored), terminates one of them, and waits for every EXIT:
-- the others must fail with the "cannot be preempted" stop. True, or nil and a reason.
function wait.loops_are_stopped(ways)
  local events = process.events()
  local loopers = {}
  for _, how in ipairs(ways) do
    local pid = assert(process.spawn_monitored("test:callback_loop_worker", "test:processes", how))
    loopers[pid] = how
  end
  local some = next(loopers)
  time.sleep("50ms")
  local terminated, terminate_err = process.terminate(some)
  if not terminated and not tostring(terminate_err):find("not found", 1, true) then
    return nil, "terminate: " .. tostring(terminate_err)
  end
  for _ = 1, #ways do
    local got, e = next_value(events, "5s")
    if not got then
      return nil, "a loop was never stopped"
    end
    local how = loopers[e.from]
    if not how then
      return nil, "EXIT from an unknown process " .. tostring(e.from)
    end
    loopers[e.from] = nil
    if e.from ~= some then
      local text = tostring(e.result.error)
      if not text:find("cannot be preempted", 1, true) then
        return nil, how .. ": " .. text
      end
    end
  end
  return true
end

-- Spawns `entry` (monitored, on test:processes) with the arguments after `d`, waits up
-- to `d` for its EXIT, and returns true if it failed with "memory limit exceeded" and
-- this process can still allocate afterwards; else raises what happened instead.
function wait.fails_over_memory_limit(entry, d, ...)
  local events = process.events()
  local pid = assert(process.spawn_monitored(entry, "test:processes", ...))
  local got, ev = next_value(events, d)
  if not got then
    error(entry .. " was not stopped", 2)
  end
  if ev.from ~= pid then
    error("an event of another process", 2)
  end
  if ev.result.error == nil then
    error(entry .. " did not fail: " .. tostring(ev.result.value), 2)
  end
  local message = ev.result.error:message()
  if not message:find("memory limit exceeded", 1, true) then
    error(entry .. " failed otherwise: " .. message, 2)
  end
  local t = {}
  for i = 1, 10000 do
    t[i] = "item " .. i
  end
  return #t == 10000
end

return wait
