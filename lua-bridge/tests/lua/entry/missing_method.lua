-- An entry whose script does not export its method: the process fails at start with
-- an error naming the method (spawn itself succeeds or returns nil, err).
local time = require("time")

local function main()
  local events = process.events()
  local pid, err = process.spawn_monitored("test:no_main_worker", "test:processes")
  if not pid then
    if err == nil then
      return false, "spawn returned nothing"
    end
    return true
  end
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no EXIT"
  end
  if r.value.result.error == nil then
    return false, "a process without main exited normally"
  end
  if not r.value.result.error:message():find("main", 1, true) then
    return false, "error does not name the method: " .. r.value.result.error:message()
  end
  return true
end

return { main = main }
