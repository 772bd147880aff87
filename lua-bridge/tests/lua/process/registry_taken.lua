-- A name held by one process cannot be registered by another (nil, err).
local time = require("time")

local function main()
  local reg = process.listen("registered")
  local worker = assert(process.spawn("test:registry_worker", "test:processes", process.pid(), "taken_name"))
  local timeout = time.after("2s")
  local r = channel.select { reg:case_receive(), timeout:case_receive() }
  if r.channel == timeout or r.value.ok ~= true then
    return false, "worker could not register"
  end
  local ok, err = process.registry.register("taken_name")
  if ok ~= nil or err == nil then
    return false, "registering a taken name returned " .. tostring(ok)
  end
  if process.registry.lookup("taken_name") ~= worker then
    return false, "the name moved"
  end
  process.send(worker, "stop")
  return true
end

return { main = main }
