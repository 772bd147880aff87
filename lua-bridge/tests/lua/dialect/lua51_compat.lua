-- What the original's Lua 5.1-based dialect keeps of 5.1 (reference §0): the global
-- `unpack`, `table.getn`, `table.maxn` and `math.mod` (5.1's name of `math.fmod`).
local function main()
  if type(unpack) ~= "function" then
    return false, "unpack is " .. type(unpack)
  end
  local a, b, c = unpack({ 1, 2, 3 })
  if a ~= 1 or b ~= 2 or c ~= 3 then
    return false, "unpack({1,2,3})"
  end
  local x, y = unpack({ 1, 2, 3 }, 2)
  if x ~= 2 or y ~= 3 or select("#", unpack({ 1, 2, 3 }, 2, 2)) ~= 1 then
    return false, "unpack with bounds"
  end
  if table.getn({ 1, 2 }) ~= 2 or table.getn({}) ~= 0 then
    return false, "getn"
  end
  -- getn is the raw length: a __len metamethod does not change it.
  if table.getn(setmetatable({ 1 }, { __len = function() return 9 end })) ~= 1 then
    return false, "getn used __len"
  end
  local maxn = table.maxn({ [1] = 1, [7] = 2, x = 3, [-4] = 4 })
  if maxn ~= 7 or math.type(maxn) ~= "integer" then
    return false, "maxn gave " .. tostring(maxn)
  end
  if table.maxn({ [2.5] = true }) ~= 2.5 or table.maxn({ a = 1 }) ~= 0 or table.maxn({}) ~= 0 then
    return false, "maxn of floats or no numeric keys"
  end
  if math.mod(7, 3) ~= 1 or math.mod(-7, 3) ~= -1 or math.mod ~= math.fmod then
    return false, "math.mod"
  end
  local ok, err = pcall(table.getn, "x")
  if ok or not tostring(err):find("table expected", 1, true) then
    return false, "getn of a string: " .. tostring(err)
  end
  ok, err = pcall(table.maxn, nil)
  if ok or not tostring(err):find("table expected", 1, true) then
    return false, "maxn of nil: " .. tostring(err)
  end
  return true
end

return { main = main }
