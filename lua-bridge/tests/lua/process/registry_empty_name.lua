-- An empty name cannot be registered: register("") returns nil, err (INVALID, as the
-- other refused registrations return), and the empty name stays unknown.
local function main()
  local ok, err = process.registry.register("")
  if ok ~= nil or err == nil then
    return false, "register('') returned " .. tostring(ok)
  end
  if err:kind() ~= errors.INVALID or not tostring(err):find("name must not be empty", 1, true) then
    return false, "register(''): " .. tostring(err:kind()) .. " " .. tostring(err)
  end
  if process.registry.lookup("") ~= nil then
    return false, "the empty name resolves"
  end
  return true
end

return { main = main }
