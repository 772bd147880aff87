-- Loops for ever where the process cannot be preempted and tries to survive the stop:
-- `how` picks a table.sort comparator that catches every error with pcall and loops
-- again, an xpcall message handler that loops, or a `__close` that loops while
-- coroutine.close closes its coroutine.
local function forever()
  while true do end
end

local function main(how)
  if how == "pcall_in_sort" then
    table.sort({ 3, 2, 1 }, function()
      while true do
        pcall(forever)
      end
    end)
  elseif how == "xpcall_handler" then
    xpcall(error, forever)
  else
    local co = coroutine.create(function()
      local guard <close> = setmetatable({}, { __close = forever })
      coroutine.yield()
    end)
    coroutine.resume(co)
    coroutine.close(co)
  end
  return "survived"
end

return { main = main }
