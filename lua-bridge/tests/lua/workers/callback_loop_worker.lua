-- Loops for ever inside a callback of a C function, where Lua cannot yield: `how`
-- picks table.sort's comparator, string.gsub's function, or a __tostring that
-- tostring calls, or a comparator resuming a script coroutine that loops (which
-- cannot be preempted either: its resumer cannot yield).
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
  else
    tostring(setmetatable({}, { __tostring = function() forever() end }))
  end
  return "unreachable"
end

return { main = main }
