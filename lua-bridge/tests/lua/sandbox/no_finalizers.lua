-- Finalizers cannot be installed: setmetatable refuses a __gc field, and the runtime's
-- own metatables are hidden (getmetatable gives the type name), so no script can add one.
local function main()
  local ok, err = pcall(setmetatable, {}, { __gc = function() end })
  if ok or not tostring(err):find("__gc", 1, true) then
    return false, "setmetatable with __gc: " .. tostring(err)
  end
  -- Ordinary metatables still work.
  local t = setmetatable({}, { __index = function() return 7 end })
  if t.anything ~= 7 then
    return false, "plain metatable does not work"
  end
  local mt = getmetatable(channel.new())
  if type(mt) ~= "string" then
    return false, "a runtime metatable is reachable: " .. type(mt)
  end
  return true
end

return { main = main }
