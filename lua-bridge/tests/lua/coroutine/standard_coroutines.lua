-- The standard coroutine library still works: create/resume/yield/status/wrap/
-- isyieldable/running.
local function main()
  local co = coroutine.create(function(a, b)
    local c = coroutine.yield(a + b)
    local d, e = coroutine.yield(c * 2)
    return d + e
  end)
  local ok, v = coroutine.resume(co, 1, 2)
  if not ok or v ~= 3 then
    return false, "first resume: " .. tostring(v)
  end
  if coroutine.status(co) ~= "suspended" then
    return false, "status " .. coroutine.status(co)
  end
  ok, v = coroutine.resume(co, 10)
  if not ok or v ~= 20 then
    return false, "second resume: " .. tostring(v)
  end
  ok, v = coroutine.resume(co, 3, 4)
  if not ok or v ~= 7 then
    return false, "final resume: " .. tostring(v)
  end
  if coroutine.status(co) ~= "dead" then
    return false, "not dead"
  end
  local gen = coroutine.wrap(function()
    for i = 1, 3 do
      coroutine.yield(i)
    end
  end)
  if gen() ~= 1 or gen() ~= 2 or gen() ~= 3 then
    return false, "wrap"
  end
  local bad = coroutine.create(function() error("inner") end)
  local bok, berr = coroutine.resume(bad)
  if bok or not tostring(berr):find("inner", 1, true) then
    return false, "error in a plain coroutine"
  end
  local _, is_main = coroutine.running()
  if type(is_main) ~= "boolean" then
    return false, "coroutine.running"
  end
  return true
end

return { main = main }
