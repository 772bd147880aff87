-- A process's names are released when it exits.
local time = require("time")

local function main()
  local events = process.events()
  local reg = process.listen("registered")
  local pid = assert(process.spawn_monitored("test:registry_worker", "test:processes", process.pid(), "auto_released"))
  local timeout = time.after("2s")
  local r = channel.select { reg:case_receive(), timeout:case_receive() }
  if r.channel == timeout or r.value.ok ~= true then
    return false, "worker could not register"
  end
  if process.registry.lookup("auto_released") ~= pid then
    return false, "lookup did not find the worker"
  end
  process.send("auto_released", "stop")
  local ev = events:receive()
  if ev.kind ~= process.event.EXIT or ev.from ~= pid then
    return false, "no EXIT"
  end
  local found, err = process.registry.lookup("auto_released")
  if found ~= nil or err == nil then
    return false, "name still registered after exit: " .. tostring(found)
  end
  -- The name is free again.
  local ok, rerr = process.registry.register("auto_released")
  if ok ~= true then
    return false, "cannot take the released name: " .. tostring(rerr)
  end
  return true
end

return { main = main }
