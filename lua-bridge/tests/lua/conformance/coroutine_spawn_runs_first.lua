-- coroutine.spawn(fn) returns the new thread, and fn runs before the spawner goes on:
-- spawn yields, the new task is queued ahead of the spawner in a FIFO
-- (R runtime/lua/engine/process.go handleSpawnRequest + createTask, task.go TaskQueue).
local function main()
  local log = {}
  local t = coroutine.spawn(function()
    table.insert(log, "child")
  end)
  table.insert(log, "parent")
  if type(t) ~= "thread" then
    return false, "coroutine.spawn returned a " .. type(t)
  end
  local text = table.concat(log, " ")
  if text ~= "child parent" then
    return false, "order: " .. text
  end
  return true
end

return { main = main }
