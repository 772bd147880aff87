-- A coroutine of the script's own (coroutine.wrap/create) made after the process's
-- slice expired where it could not yield (an xpcall message handler) gets no
-- preemption yield: its values reach the script's resume in order.
local function busy(ms)
  local t0 = os.clock()
  while os.clock() - t0 < ms / 1000 do end
end

local function main()
  -- Something else to run, so that the watchdog asks this process to yield.
  coroutine.spawn(function()
    for _ = 1, 20 do time.sleep("5ms") end
  end)
  xpcall(error, function() busy(60) end)
  local g = coroutine.wrap(function()
    busy(60)
    coroutine.yield("first")
    return "second"
  end)
  local a, b = g(), g()
  if a ~= "first" or b ~= "second" then
    return false, "wrap gave " .. tostring(a) .. ", " .. tostring(b)
  end
  xpcall(error, function() busy(60) end)
  local co = coroutine.create(function()
    for i = 1, 3 do
      busy(20)
      coroutine.yield(i)
    end
    return "done"
  end)
  local got = {}
  while coroutine.status(co) ~= "dead" do
    local ok, v = coroutine.resume(co)
    if not ok then
      return false, "resume failed: " .. tostring(v)
    end
    got[#got + 1] = tostring(v)
  end
  if table.concat(got, ",") ~= "1,2,3,done" then
    return false, "create/resume gave " .. table.concat(got, ",")
  end
  return true
end

return { main = main }
