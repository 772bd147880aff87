-- (Run with a 16 MiB per-process limit.) A process that keeps loggers with a large field holds
-- that memory on the Rust side, where Lua's allocator does not see it; it counts
-- against the process's memory limit all the same: the process fails with "memory
-- limit exceeded", and this process carries on.
local time = require("time")

local function main()
  local events = process.events()
  local hog = assert(process.spawn_monitored("test:rust_hog_worker", "test:processes", "logger"))
  local timeout = time.after("8s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "the hog was not stopped"
  end
  local ev = r.value
  if ev.from ~= hog then
    return false, "an event of another process"
  end
  if ev.result.error == nil then
    return false, "the hog did not fail: " .. tostring(ev.result.value)
  end
  if not ev.result.error:message():find("memory limit exceeded", 1, true) then
    return false, "hog error: " .. ev.result.error:message()
  end
  local t = {}
  for i = 1, 10000 do
    t[i] = "item " .. i
  end
  return #t == 10000
end

return { main = main }
