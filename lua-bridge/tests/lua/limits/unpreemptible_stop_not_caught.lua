-- The stop of a process that loops where it cannot be preempted cannot be caught: a
-- comparator that retries under pcall, a looping xpcall message handler, and a looping
-- `__close` run by coroutine.close each end with the "cannot be preempted" error, and
-- this process, on the same 2-worker host, still runs afterwards.
local time = require("time")

local function main()
  local events = process.events()
  local loopers = {}
  for _, how in ipairs({ "pcall_in_sort", "xpcall_handler", "close_loop" }) do
    loopers[assert(process.spawn_monitored("test:caught_stop_worker", "test:processes", how))] = how
  end
  for _ = 1, 3 do
    local got, e = pcall(wait.receive, events, "6s")
    if not got then
      return false, "a loop survived its stop (" .. tostring(e) .. ")"
    end
    local how = loopers[e.from]
    if not how then
      return false, "EXIT from an unknown process " .. tostring(e.from)
    end
    loopers[e.from] = nil
    local text = tostring(e.result.error)
    if e.result.value == "survived" or not text:find("cannot be preempted", 1, true) then
      return false, how .. ": " .. tostring(e.result.value) .. ", " .. text
    end
  end
  time.sleep("1ms")
  return true
end

return { main = main }
