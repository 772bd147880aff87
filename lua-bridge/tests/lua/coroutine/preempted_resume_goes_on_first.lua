-- A script coroutine whose resume the preemption hook interrupted (many times: it is
-- busy for 300 ms) goes on with the right values, and the process's other coroutines
-- do not run in between: one whose timer came due meanwhile runs only once main waits,
-- and then finds the script coroutine dead. Coroutines switch only where they block or
-- yield (reference §1.4), preempted or not.
local function busy(ms)
  local t0 = os.clock()
  while os.clock() - t0 < ms / 1000 do end
end

local function main()
  local co = coroutine.create(function(a)
    busy(300)
    local b = coroutine.yield("y1", a)
    return "end", b
  end)
  local seen = {}
  coroutine.spawn(function()
    -- Its timer comes due while main's resume of `co` runs.
    time.sleep("50ms")
    seen.status = coroutine.status(co)
    seen.resumed = { coroutine.resume(co, "S") }
  end)
  local ok1, y1, a = coroutine.resume(co, "A")
  local ok2, e, b = coroutine.resume(co, "B")
  if not (ok1 and y1 == "y1" and a == "A" and ok2 and e == "end" and b == "B") then
    return false, "main's resumes gave " .. table.concat({ tostring(ok1), tostring(y1), tostring(a), tostring(ok2), tostring(e), tostring(b) }, ", ")
  end
  if seen.status ~= nil then
    return false, "the other coroutine ran while main never waited (it saw " .. tostring(seen.status) .. ")"
  end
  time.sleep("10ms")
  if seen.status ~= "dead" then
    return false, "once main waited, the other coroutine saw " .. tostring(seen.status)
  end
  if seen.resumed[1] ~= false or seen.resumed[2] ~= "cannot resume dead coroutine" then
    return false, "its resume gave " .. tostring(seen.resumed[1]) .. ", " .. tostring(seen.resumed[2])
  end
  return true
end

return { main = main }
