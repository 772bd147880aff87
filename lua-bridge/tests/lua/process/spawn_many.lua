-- 300 monitored processes: every one runs and every EXIT arrives, with its value.
local time = require("time")

local function main()
  local events = process.events()
  local n = 300
  local expected = {}
  for i = 1, n do
    local pid = assert(process.spawn_monitored("test:normal_worker", "test:processes", i))
    expected[pid] = i
  end
  for _ = 1, n do
    local timeout = time.after("5s")
    local r = channel.select { events:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "EXITs missing"
    end
    local ev = r.value
    if expected[ev.from] ~= ev.result.value then
      return false, "EXIT value " .. tostring(ev.result.value) .. " for the wrong pid"
    end
    expected[ev.from] = nil
  end
  if next(expected) ~= nil then
    return false, "some EXITs never came"
  end
  return true
end

return { main = main }
