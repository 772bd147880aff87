-- Loops for ever inside a callback of a C function, where Lua cannot yield: `how`
-- picks table.sort's comparator, string.gsub's function, or a __tostring that
-- tostring calls, or a comparator resuming a script coroutine that loops (which
-- cannot be preempted either: its resumer cannot yield). Or runs a pattern match
-- that backtracks for ages inside one C call: string.find, match, gmatch or gsub. Or
-- a table.move, insert or remove of 2^63 items (a huge range, a huge __len), which
-- loop inside one C call without allocating.
local slow_subject = string.rep("a", 60)
local slow_pattern = ".-.-.-.-.-.-.-.-.-b"
local function forever()
  while true do end
end

local function main(how)
  if how == "sort" then
    table.sort({ 3, 2, 1 }, function() forever() end)
  elseif how == "resume" then
    table.sort({ 3, 2, 1 }, function()
      local _, err = coroutine.resume(coroutine.create(forever))
      error(err, 0)
    end)
  elseif how == "gsub" then
    string.gsub("abc", "%w", function() forever() end)
  elseif how == "find" then
    string.find(slow_subject, slow_pattern)
  elseif how == "match" then
    slow_subject:match("(" .. slow_pattern .. ")")
  elseif how == "gmatch" then
    for _ in string.gmatch(slow_subject, slow_pattern) do end
  elseif how == "gsub_pattern" then
    string.gsub(slow_subject, slow_pattern, "x")
  elseif how == "move" then
    table.move({ 1, 2 }, 1, math.maxinteger, 1, {})
  elseif how == "move_back" then
    -- Overlapping, so the items go from the last one down.
    table.move({}, 1, math.maxinteger - 1, 2)
  elseif how == "insert" then
    table.insert(setmetatable({}, { __len = function() return math.maxinteger - 1 end }), 1, "x")
  elseif how == "remove" then
    table.remove(setmetatable({}, { __len = function() return math.maxinteger end }), 1)
  else
    tostring(setmetatable({}, { __tostring = function() forever() end }))
  end
  return "unreachable"
end

return { main = main }
