-- Registering a name another process holds fails with nil, err of kind ALREADY_EXISTS,
-- "name already registered" (R api/topology/errors.go ErrNameAlreadyRegistered).
local receive = require("wait").receive

local function main()
  local registered = process.listen("registered")
  local worker = assert(process.spawn("test:registry_worker", "test:processes", process.pid(), "conf_taken"))
  local r = receive(registered)
  if r.ok ~= true then
    return false, "worker could not register"
  end
  local ok, err = process.registry.register("conf_taken")
  process.send(worker, "stop")
  if ok ~= nil or err == nil then
    return false, "register returned " .. tostring(ok)
  end
  if err:kind() ~= errors.ALREADY_EXISTS then
    return false, "kind " .. tostring(err:kind()) .. " (" .. tostring(err) .. ")"
  end
  if not tostring(err):find("already registered", 1, true) then
    return false, "message " .. tostring(err)
  end
  return true
end

return { main = main }
