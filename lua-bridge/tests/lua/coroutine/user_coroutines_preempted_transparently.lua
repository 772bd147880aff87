-- The script's own coroutines (coroutine.wrap/create) are preempted like the rest of
-- the process, and the script sees nothing of it: CPU-bound work inside them, over many
-- time slices, some of it made after the slice expired where the process could not
-- yield (an xpcall message handler), nested two deep, gives every value to the script's
-- resume in order, and an error raised after a preemption comes out of a wrap function
-- with its position, as Lua's. Nor do the process's other coroutines run in between: a
-- preempted coroutine goes on first (coroutines switch only where they block or yield).
local function busy(ms)
  local t0 = os.clock()
  while os.clock() - t0 < ms / 1000 do end
end

local function main()
  -- Another coroutine, whose timer comes due while main is busy: it must not run before
  -- main waits.
  local ticks = 0
  coroutine.spawn(function()
    for _ = 1, 40 do
      time.sleep("5ms")
      ticks = ticks + 1
    end
  end)
  xpcall(error, function() busy(60) end)
  local g = coroutine.wrap(function(x)
    busy(60)
    local y = coroutine.yield("first", x)
    busy(30)
    return "second", y
  end)
  local a, b = g("arg")
  local c, d = g("sent")
  if a ~= "first" or b ~= "arg" or c ~= "second" or d ~= "sent" then
    return false, "wrap gave " .. table.concat({ tostring(a), tostring(b), tostring(c), tostring(d) }, ", ")
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
  -- Nested: a wrap function resuming a create coroutine, both busy.
  local outer = coroutine.wrap(function()
    local inner = coroutine.create(function(n)
      busy(40)
      n = coroutine.yield(n + 1)
      busy(40)
      return n * 10
    end)
    local ok1, v1 = coroutine.resume(inner, 1)
    busy(20)
    coroutine.yield(v1)
    local ok2, v2 = coroutine.resume(inner, v1 + 1)
    return ok1 and ok2 and v2
  end)
  local first, second = outer(), outer()
  if first ~= 2 or second ~= 30 then
    return false, "nested gave " .. tostring(first) .. ", " .. tostring(second)
  end
  -- An error after a preemption, through a wrap function: the message and its position.
  local failing = coroutine.wrap(function()
    busy(40)
    error("broken")
  end)
  local ok, err = pcall(failing)
  if ok or not tostring(err):find("broken", 1, true) or not tostring(err):find(":%d+: ") then
    return false, "error through wrap: " .. tostring(err)
  end
  if ticks ~= 0 then
    return false, "the other coroutine ran " .. ticks .. " times while main never waited"
  end
  time.sleep("20ms")
  if ticks == 0 then
    return false, "the other coroutine did not run once main waited"
  end
  return true
end

return { main = main }
