-- The sandbox's pcall and xpcall are Lua's own rewritten (they also stop a doomed
-- process), with no frame of their own between the protected function and its caller:
-- error levels count as in Lua 5.4, and protected calls nest as deep as Lua's.
local function main()
  local here = debug == nil and "protected_calls_count_levels_as_lua.lua:"

  -- error called directly by pcall: level 1 is pcall itself (no position), level 2
  -- is this function (a position), level 3 is beyond it (the coroutine's start: none).
  local _, e1 = pcall(error, "m", 1)
  assert(e1 == "m", e1)
  local _, e2 = pcall(error, "m", 2)
  assert(type(e2) == "string" and e2:find(here, 1, true) and e2:find(":%d+: m$"), e2)

  -- inside a function called by pcall: level 2 is pcall (none), level 3 this function.
  local function at2() error("two", 2) end
  local function at3() error("three", 3) end
  local _, e3 = pcall(at2)
  assert(e3 == "two", e3)
  local _, e4 = pcall(at3)
  assert(e4:find(here, 1, true) and e4:find(":%d+: three$"), e4)

  -- xpcall hands the positioned message to its handler, and returns results as Lua's.
  local ok, h = xpcall(error, function(m) return "H:" .. m end, "x", 2)
  assert(not ok and h:find("^H:.*:%d+: x$"), h)
  local r = table.pack(xpcall(function(a, b) return a + b, a * b end, print, 3, 4))
  assert(r.n == 3 and r[1] == true and r[2] == 7 and r[3] == 12)
  r = table.pack(pcall(function() end))
  assert(r.n == 1 and r[1] == true)

  -- nesting: Lua 5.4 allows about 200 C levels, one per protected call.
  local depth = 0
  local function nest()
    depth = depth + 1
    return pcall(nest)
  end
  assert(nest() == true)
  assert(depth > 150, "pcall nested only " .. depth .. " deep")

  -- a yield crosses a protected call, and a caught error after a yield still returns.
  local co = coroutine.wrap(function()
    local ok1, v = pcall(function() return coroutine.yield(1) + 1 end)
    local ok2, err = pcall(function() coroutine.yield(2); error("late", 0) end)
    return ok1, v, ok2, err
  end)
  assert(co() == 1)
  assert(co(41) == 2)
  local a, b, c, d = co()
  assert(a == true and b == 42 and c == false and d == "late", tostring(d))

  -- argument checks name the function.
  local okp, ep = pcall(function() return pcall() end)
  assert(not okp and ep:find("bad argument #1 to 'pcall'", 1, true), ep)
  local okx, ex = pcall(function() return xpcall(print) end)
  assert(not okx and ex:find("bad argument #2 to 'xpcall'", 1, true), ex)
  return true
end

return { main = main }
