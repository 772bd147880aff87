-- registry.register(name, pid?, scope?) and unregister(name, scope?) accept the scope
-- argument (reference §1.2 process.registry): register(name, nil, LOCAL) registers the
-- calling process, register(name, process.pid(), LOCAL) too, unregister(name, LOCAL)
-- gives true.
local function main()
  local LOCAL = process.registry.LOCAL
  local ok, err = process.registry.register("review_scoped_a", nil, LOCAL)
  if ok ~= true then
    return false, "register(name, nil, LOCAL): " .. tostring(err)
  end
  ok, err = process.registry.register("review_scoped_b", process.pid(), LOCAL)
  if ok ~= true then
    return false, "register(name, pid, LOCAL): " .. tostring(err)
  end
  for _, n in ipairs({ "review_scoped_a", "review_scoped_b" }) do
    if process.registry.lookup(n) ~= process.pid() then
      return false, n .. " does not resolve to self"
    end
  end
  if process.registry.unregister("review_scoped_a", LOCAL) ~= true then
    return false, "unregister(name, LOCAL) not true"
  end
  local pid, lerr = process.registry.lookup("review_scoped_a")
  if pid ~= nil or lerr == nil then
    return false, "lookup after unregister"
  end
  return true
end

return { main = main }
