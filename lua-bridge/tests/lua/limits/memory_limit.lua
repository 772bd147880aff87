-- (Run with a 32 MiB per-process limit.) A process allocating without bound fails
-- with a "memory limit" error; the limit is per process: this process and another
-- worker carry on unaffected.
local time = require("time")

local function main()
  local events = process.events()
  local hog = assert(process.spawn_monitored("test:hog_worker", "test:processes"))
  local timeout = time.after("8s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "the hog was not stopped"
  end
  local ev = r.value
  if ev.from ~= hog or ev.result.error == nil then
    return false, "the hog did not fail"
  end
  if not ev.result.error:message():lower():find("memory limit", 1, true) then
    return false, "hog error: " .. ev.result.error:message()
  end
  -- This process can still allocate a moderate amount.
  local t = {}
  for i = 1, 10000 do
    t[i] = "item " .. i
  end
  -- Another process runs normally.
  local pid = assert(process.spawn_monitored("test:normal_worker", "test:processes", "fine"))
  ev = events:receive()
  if ev.from ~= pid or ev.result.value ~= "fine" then
    return false, "a normal worker failed after the hog"
  end
  return true
end

return { main = main }
