-- A send to a waiting coroutine lets the sender go on first: when main sends and
-- returns, the process ends before the receiving coroutine runs (the original's order).
local wait = require("wait")

local function main()
  local ran = process.listen("ran")
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:send_then_return_worker", "test:processes",
    process.pid()))
  local exit = wait.receive(events)
  if exit.from ~= pid or exit.result.value ~= "returned" then
    return false, "the worker's EXIT: " .. tostring(exit.result.value) .. " " .. tostring(exit.result.error)
  end
  local got = wait.try_receive(ran, "50ms")
  if got ~= nil then
    return false, "the receiving coroutine ran after main's send: " .. tostring(got)
  end
  return true
end

return { main = main }
