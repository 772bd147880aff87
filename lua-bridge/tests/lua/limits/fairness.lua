-- Busy loops do not starve other processes: with two `while true do end` workers on
-- a 2-worker host, this process still sleeps, spawns, and gets a reply from another
-- worker within a second; then it terminates the loopers.
local time = require("time")

local function main()
  local events = process.events()
  local busy1 = assert(process.spawn_monitored("test:busy_worker", "test:processes"))
  local busy2 = assert(process.spawn_monitored("test:busy_worker", "test:processes"))
  time.sleep("50ms")
  local start = time.now()
  local pongs = process.listen("pong")
  local replier = assert(process.spawn("test:reply_worker", "test:processes", process.pid(), "10ms"))
  local timeout = time.after("1s")
  local r = channel.select { pongs:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no reply within 1s while two busy loops run"
  end
  if r.value ~= replier then
    return false, "reply from " .. tostring(r.value)
  end
  local ms = time.now():sub(start):milliseconds()
  time.sleep("10ms")
  assert(process.terminate(busy1))
  assert(process.terminate(busy2))
  local dead = {}
  for _ = 1, 2 do
    local t2 = time.after("2s")
    local e = channel.select { events:case_receive(), t2:case_receive() }
    if e.channel == t2 then
      return false, "a busy loop survived terminate"
    end
    dead[e.value.from] = true
  end
  if not dead[busy1] or not dead[busy2] then
    return false, "wrong EXITs"
  end
  if ms > 1000 then
    return false, "reply took " .. ms .. "ms"
  end
  return true
end

return { main = main }
