-- table.insert, table.remove and table.move (replaced so that a huge count can be
-- stopped) do what Lua 5.4's own do: results, errors, metamethods called in the same
-- order; string.rep of nothing is "" at once, however many times.
local function errmsg(f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "expected an error")
  return tostring(err)
end

local function main()
  -- insert and remove on plain tables.
  local t = { 1, 2, 3 }
  table.insert(t, 4)
  table.insert(t, 1, 0)
  assert(table.concat(t, ",") == "0,1,2,3,4")
  assert(table.remove(t) == 4 and table.remove(t, 1) == 0)
  assert(table.concat(t, ",") == "1,2,3")
  assert(errmsg(function() table.insert(t, 9, "x") end):find("bad argument #2 to 'insert' (position out of bounds)", 1, true))
  assert(errmsg(function() table.insert(t, 1, 2, 3) end):find("wrong number of arguments to 'insert'", 1, true))
  assert(errmsg(table.remove, t, 7):find("position out of bounds", 1, true))
  assert(table.remove({}) == nil and table.remove({}, 1) == nil)

  -- Through metamethods: every read and write in the library's order.
  local log = {}
  local store = { "a", "b", "c" }
  local proxy = setmetatable({}, {
    __len = function() log[#log + 1] = "len"; return #store end,
    __index = function(_, k) log[#log + 1] = "get" .. k; return store[k] end,
    __newindex = function(_, k, v) log[#log + 1] = "set" .. k; store[k] = v end,
  })
  table.insert(proxy, 2, "x")
  assert(table.concat(store, ",") == "a,x,b,c", table.concat(store, ","))
  assert(table.concat(log, " ") == "len get3 set4 get2 set3 set2", table.concat(log, " "))
  log = {}
  assert(table.remove(proxy, 1) == "a")
  assert(table.concat(store, ",") == "x,b,c", table.concat(store, ","))
  assert(table.concat(log, " ") == "len get1 get2 set1 get3 set2 get4 set3 set4", table.concat(log, " "))
  log = {}
  table.insert(proxy, "y")
  assert(store[4] == "y" and table.concat(log, " ") == "len set4", table.concat(log, " "))
  assert(errmsg(function() table.insert(5, 1) end):find("bad argument #1 to 'insert' (table expected, got number)", 1, true))

  -- move: short and long ranges, forwards, backwards (overlapping), into another table.
  local a = {}
  for i = 1, 5000 do a[i] = i end
  local b = table.move(a, 1, 5000, 1, {})
  assert(#b == 5000 and b[5000] == 5000)
  assert(table.move(a, 1, 4999, 2) == a)
  assert(a[1] == 1 and a[2] == 1 and a[3] == 2 and a[5000] == 4999, "overlapping move goes down")
  table.move(a, 2, 5000, 1)
  assert(a[1] == 1 and a[2] == 2 and a[4999] == 4999)
  local small = table.move({ 1, 2, 3 }, 2, 3, 1)
  assert(small[1] == 2 and small[2] == 3 and small[3] == 3)
  assert(next(table.move({ 1 }, 3, 2, 1, {})) == nil, "an empty range moves nothing")
  assert(errmsg(table.move, {}, -1, math.maxinteger, 1):find("too many elements to move", 1, true))
  assert(errmsg(table.move, {}, 1, 5000, math.maxinteger):find("destination wrap around", 1, true))
  assert(errmsg(function() table.move({}, 1, 5000, 1, 7) end):find("bad argument #5 to 'move' (table expected", 1, true))
  local moved = {}
  local dest = setmetatable({}, { __newindex = function(_, k, v) moved[#moved + 1] = k end })
  table.move(a, 1, 3000, 10, dest)
  assert(#moved == 3000 and moved[1] == 10 and moved[3000] == 3009)

  -- string.rep of nothing.
  assert(string.rep("", math.maxinteger) == "")
  assert((""):rep(math.maxinteger, "") == "")
  assert(string.rep("", 3.0) == "" and string.rep("ab", 3, "-") == "ab-ab-ab")
  assert(errmsg(string.rep, "", 1.5):find("number has no integer representation", 1, true))
  assert(errmsg(string.rep, "x", math.maxinteger):find("too large", 1, true))
  return true
end

return { main = main }
