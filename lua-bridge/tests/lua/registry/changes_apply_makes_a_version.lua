-- A change set lists its operations (ops), and apply() makes a new version, current at
-- once for registry.get and registry.find: create, update (replacing meta and data) and
-- delete, each named by id string or {ns, name}; the set's methods chain.
local function main()
  local before = registry.current_version()
  local changes = registry.snapshot():changes()
  if #changes:ops() ~= 0 or not tostring(changes):find("Changes", 1, true) then
    return false, "a new change set has operations"
  end
  local same = changes
    :create({ id = "test:tool.a", kind = "registry.entry", meta = { type = "tool", title = "A" }, data = { n = 1 } })
    :create({ id = "test:tool.b", kind = "registry.entry", meta = { type = "tool", title = "B" } })
  if same ~= changes then
    return false, "create does not return the change set"
  end
  local ops = changes:ops()
  if #ops ~= 2 or ops[1].kind ~= "entry.create" or ops[1].entry.id ~= "test:tool.a" or ops[1].entry.data.n ~= 1 then
    return false, "ops after two creates"
  end
  local v1, err = changes:apply()
  if err ~= nil or v1:id() ~= before:id() + 1 or v1:previous() ~= before then
    return false, "apply: " .. tostring(err)
  end
  if registry.current_version() ~= v1 then
    return false, "the applied version is not current"
  end
  local tools = registry.find({ ["meta.type"] = "tool" })
  if #tools ~= 2 then
    return false, "find after create: " .. #tools
  end

  local c2 = registry.snapshot():changes()
  c2:update({ id = "test:tool.a", kind = "registry.entry", meta = { type = "tool", title = "A2" }, data = { n = 2 } })
  c2:delete({ ns = "test", name = "tool.b" })
  ops = c2:ops()
  if ops[1].kind ~= "entry.update" or ops[2].kind ~= "entry.delete" or ops[2].entry.id ~= "test:tool.b" then
    return false, "ops of update and delete"
  end
  local v2, err2 = c2:apply()
  if err2 ~= nil or v2:id() ~= v1:id() + 1 then
    return false, "second apply: " .. tostring(err2)
  end
  local a = registry.get("test:tool.a")
  if a.meta.title ~= "A2" or a.data.n ~= 2 then
    return false, "update did not replace meta and data"
  end
  local gone, gerr = registry.get("test:tool.b")
  if gone ~= nil or gerr:kind() ~= errors.NOT_FOUND then
    return false, "delete left the entry"
  end
  return true
end

return { main = main }
