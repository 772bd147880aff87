-- registry.register(name, pid) with a pid argument that is not a pid returns nil, err
-- (INVALID) and registers nothing (R module.go `registryRegister`: "pid must be a
-- string" / "invalid pid").
local function main()
  for _, bad in ipairs({ "not a pid", 42 }) do
    local ok, r, err = pcall(process.registry.register, "conf_bad_pid", bad)
    if not ok then
      return false, "raised for " .. tostring(bad) .. ": " .. tostring(r)
    end
    if r ~= nil or err == nil then
      return false, "register with pid " .. tostring(bad) .. " returned " .. tostring(r)
    end
    if err:kind() ~= errors.INVALID then
      return false, "kind " .. tostring(err:kind()) .. " for " .. tostring(bad)
    end
  end
  if process.registry.lookup("conf_bad_pid") ~= nil then
    return false, "the name was registered"
  end
  return true
end

return { main = main }
