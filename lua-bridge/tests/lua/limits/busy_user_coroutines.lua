-- Busy loops inside the script's own coroutines (coroutine.wrap, create with resume,
-- and one nested in the other) do not starve other processes: with three of them on a
-- 2-worker host, this process still sleeps, spawns, and gets a reply from another
-- worker within a second; then it terminates the loopers, and each one's EXIT comes.
local time = require("time")

local function main()
  local events = process.events()
  local loopers = {}
  for _, how in ipairs({ "wrap", "create", "nested" }) do
    loopers[assert(process.spawn_monitored("test:busy_user_coroutine_worker", "test:processes", how))] = how
  end
  time.sleep("50ms")
  local start = time.now()
  local pongs = process.listen("pong")
  local replier = assert(process.spawn("test:reply_worker", "test:processes", process.pid(), "10ms"))
  local timeout = time.after("1s")
  local r = channel.select { pongs:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no reply within 1s while three loops in script coroutines run"
  end
  if r.value ~= replier then
    return false, "reply from " .. tostring(r.value)
  end
  local ms = time.now():sub(start):milliseconds()
  for pid in pairs(loopers) do
    assert(process.terminate(pid))
  end
  for _ = 1, 3 do
    local t2 = time.after("2s")
    local e = channel.select { events:case_receive(), t2:case_receive() }
    if e.channel == t2 then
      return false, "a loop in a script coroutine survived terminate"
    end
    if not loopers[e.value.from] then
      return false, "EXIT from an unknown process " .. tostring(e.value.from)
    end
    loopers[e.value.from] = nil
  end
  if ms > 1000 then
    return false, "reply took " .. ms .. "ms"
  end
  return true
end

return { main = main }
