-- A script coroutine whose resume the preemption hook interrupted is still, as far as
-- the script can tell, running inside its resumer: another coroutine of the process
-- that runs meanwhile sees it "normal", cannot resume it ("cannot resume
-- non-suspended coroutine") nor close it ("cannot close a normal coroutine"), and the
-- interrupted resume goes on with the right values.
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
    -- Wakes while main's resume of `co` runs (busy for 300 ms), and runs when the
    -- hook preempts it.
    time.sleep("50ms")
    seen.status = coroutine.status(co)
    seen.resumed = { coroutine.resume(co, "S") }
    seen.closed = { pcall(coroutine.close, co) }
  end)
  local ok1, y1, a = coroutine.resume(co, "A")
  local ok2, e, b = coroutine.resume(co, "B")
  if not (ok1 and y1 == "y1" and a == "A" and ok2 and e == "end" and b == "B") then
    return false, "main's resumes gave " .. table.concat({ tostring(ok1), tostring(y1), tostring(a), tostring(ok2), tostring(e), tostring(b) }, ", ")
  end
  if seen.status ~= "normal" then
    return false, "the other coroutine saw " .. tostring(seen.status)
  end
  if seen.resumed[1] ~= false or seen.resumed[2] ~= "cannot resume non-suspended coroutine" then
    return false, "its resume gave " .. tostring(seen.resumed[1]) .. ", " .. tostring(seen.resumed[2])
  end
  if seen.closed[1] ~= false or not tostring(seen.closed[2]):find("cannot close a normal coroutine", 1, true) then
    return false, "its close gave " .. tostring(seen.closed[1]) .. ", " .. tostring(seen.closed[2])
  end
  if coroutine.status(co) ~= "dead" then
    return false, "status after the end: " .. coroutine.status(co)
  end
  return true
end

return { main = main }
