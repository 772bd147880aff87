-- process.registry: register (idempotent for the same pid), lookup, unregister (false
-- the second time), and lookup afterwards fails with "name not registered".
local function main()
  local name = "registry_basic_name"
  local ok, err = process.registry.register(name)
  if ok ~= true then
    return false, "register failed: " .. tostring(err)
  end
  ok, err = process.registry.register(name)
  if ok ~= true then
    return false, "re-register of the same name failed: " .. tostring(err)
  end
  local pid, lerr = process.registry.lookup(name)
  if pid ~= process.pid() then
    return false, "lookup returned " .. tostring(pid) .. " / " .. tostring(lerr)
  end
  if process.registry.unregister(name) ~= true then
    return false, "unregister returned false"
  end
  if process.registry.unregister(name) ~= false then
    return false, "second unregister did not return false"
  end
  pid, lerr = process.registry.lookup(name)
  if pid ~= nil then
    return false, "lookup after unregister returned " .. tostring(pid)
  end
  if lerr == nil or not tostring(lerr):find("name not registered", 1, true) then
    return false, "lookup error: " .. tostring(lerr)
  end
  if lerr:kind() ~= errors.NOT_FOUND then
    return false, "lookup error kind: " .. tostring(lerr:kind())
  end
  if process.registry.LOCAL ~= 0 or process.registry.EVENTUAL ~= 1
      or process.registry.CONSISTENT ~= 2 or process.registry.STRONG ~= 3 then
    return false, "scope constants"
  end
  return true
end

return { main = main }
