-- Finalizers cannot be installed: setmetatable takes a metatable with a __gc field (as
-- the original, whose VM has no table finalizers) but leaves it no finalizer, the field
-- staying in the metatable; and the runtime's own metatables are hidden (getmetatable
-- gives the type name), so no script can add one.
local function main()
  local ran = false
  local mt = { __gc = function() ran = true end, __index = { answer = 42 } }
  local t = setmetatable({}, mt)
  if getmetatable(t) ~= mt or t.answer ~= 42 then
    return false, "setmetatable with __gc did not set the metatable"
  end
  if type(rawget(mt, "__gc")) ~= "function" then
    return false, "the __gc field left the metatable"
  end
  -- Garbage with such metatables: none of it is ever finalized.
  for _ = 1, 20000 do
    setmetatable({ string.rep("x", 64) }, mt)
  end
  local s = ""
  for i = 1, 2000 do
    s = s .. i
  end
  if ran then
    return false, "a __gc field ran as a finalizer"
  end
  -- Ordinary metatables still work.
  local p = setmetatable({}, { __index = function() return 7 end })
  if p.anything ~= 7 then
    return false, "plain metatable does not work"
  end
  local rt = getmetatable(channel.new())
  if type(rt) ~= "string" then
    return false, "a runtime metatable is reachable: " .. type(rt)
  end
  return true
end

return { main = main }
