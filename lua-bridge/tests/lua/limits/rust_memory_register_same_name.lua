-- (Run with a 16 MiB per-process limit.) Registering a name the process holds already
-- succeeds and holds it once: a 1 MB name registered 40 times is charged 1 MB, not
-- 40 MB (each call used to add to the charge, and the process ran out of memory).
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:rust_hog_worker", "test:processes", "register_same"))
  local r = channel.select { events:case_receive(), time.after("8s"):case_receive() }
  if r.channel ~= events then
    return false, "the worker did not end"
  end
  if r.value.from ~= pid then
    return false, "an event of another process"
  end
  if r.value.result.error ~= nil then
    return false, "registering one name again failed: " .. tostring(r.value.result.error)
  end
  if r.value.result.value ~= "done" then
    return false, "the worker returned " .. tostring(r.value.result.value)
  end
  return true
end

return { main = main }
