-- A process may hold several names: each resolves to it, unregistering one leaves the
-- others.
local function main()
  assert(process.registry.register("conf_name_one"))
  assert(process.registry.register("conf_name_two"))
  if process.registry.lookup("conf_name_one") ~= process.pid() or process.registry.lookup("conf_name_two") ~= process.pid() then
    return false, "names do not resolve to self"
  end
  if process.registry.unregister("conf_name_one") ~= true then
    return false, "unregister returned false"
  end
  if process.registry.lookup("conf_name_one") ~= nil then
    return false, "unregistered name still resolves"
  end
  if process.registry.lookup("conf_name_two") ~= process.pid() then
    return false, "other name lost"
  end
  return true
end

return { main = main }
