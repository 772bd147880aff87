-- Loops for ever inside a callback of a C function, where Lua cannot yield: `how`
-- picks table.sort's comparator, string.gsub's function, or a __tostring that
-- tostring calls, or a comparator resuming a script coroutine that loops (which
-- cannot be preempted either: its resumer cannot yield). Or runs a pattern match
-- that backtracks for ages inside one C call: string.find, match, gmatch or gsub.
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
  else
    tostring(setmetatable({}, { __tostring = function() forever() end }))
  end
  return "unreachable"
end

return { main = main }
