-- What a change set refuses, and that a refused apply changes nothing: an empty set
-- (INVALID); entries that cannot be read (INVALID at create/update, naming the entry
-- and field); create of an existing id, update or delete of a missing one, an entry the
-- runtime reads only at start or a kind with a lifecycle it does not run, a change of
-- kind, a new dependency, a reference to
-- a missing entry or to one the set deletes (INTERNAL at apply).
local function expect_invalid(what, result, err, needle)
  if result ~= nil or err == nil or err:kind() ~= errors.INVALID then
    return what .. ": " .. tostring(result) .. ", " .. tostring(err)
  end
  if needle and not tostring(err):find(needle, 1, true) then
    return what .. ": the message does not name " .. needle .. ": " .. tostring(err)
  end
end

local function expect_apply_fails(what, changes, needle)
  local v, err = changes:apply()
  if v ~= nil or err == nil or err:kind() ~= errors.INTERNAL then
    return what .. ": " .. tostring(v) .. ", " .. tostring(err)
  end
  if not tostring(err):find(needle, 1, true) then
    return what .. ": the message does not name " .. needle .. ": " .. tostring(err)
  end
end

local function main()
  local snap = registry.snapshot()
  local problem

  local v, err = snap:changes():apply()
  if v ~= nil or err == nil or err:kind() ~= errors.INVALID or not tostring(err):find("no changes", 1, true) then
    return false, "apply of an empty set: " .. tostring(err)
  end

  local c = snap:changes()
  problem = expect_invalid("no kind", c:create({ id = "test:x" }), select(2, c:create({ id = "test:x" })), "kind")
    or expect_invalid("no id", c:create({ kind = "registry.entry" }), select(2, c:create({ kind = "registry.entry" })), "id")
    or expect_invalid("an id without namespace", c:create({ id = "x", kind = "registry.entry" }),
      select(2, c:create({ id = "x", kind = "registry.entry" })), "namespace")
    or expect_invalid("data not a table", c:update({ id = "test:x", kind = "registry.entry", data = 5 }),
      select(2, c:update({ id = "test:x", kind = "registry.entry", data = 5 })), "data")
    or expect_invalid("a function without source", c:create({ id = "test:f", kind = "function.lua", data = { method = "main" } }),
      select(2, c:create({ id = "test:f", kind = "function.lua", data = { method = "main" } })), "source")
    or expect_invalid("a file:// value", c:create({ id = "test:f", kind = "function.lua", data = { source = "file://f.lua" } }),
      select(2, c:create({ id = "test:f", kind = "function.lua", data = { source = "file://f.lua" } })), "file://")
    or expect_invalid("a data field named kind", c:create({ id = "test:f", kind = "registry.entry", data = { kind = "x" } }),
      select(2, c:create({ id = "test:f", kind = "registry.entry", data = { kind = "x" } })), "kind")
    or expect_invalid("a bad delete id", c:delete(42), select(2, c:delete(42)), "entry id")
    or expect_invalid("not a table", c:create("test:x"), select(2, c:create("test:x")), "entry table")
  if problem then
    return false, problem
  end
  -- An entry table that cannot be copied says why.
  local cyclic = { id = "test:cyclic", kind = "registry.entry", data = {} }
  cyclic.data.loop = cyclic
  local deep = {}
  local inner = deep
  for _ = 1, 200 do
    inner.next = {}
    inner = inner.next
  end
  problem = expect_invalid("a cyclic entry table", c:create(cyclic), select(2, c:create(cyclic)),
      "the entry table cannot be read: table contains a reference to itself")
    or expect_invalid("an entry table nested too deep",
      c:create({ id = "test:deep", kind = "registry.entry", data = { deep = deep } }),
      select(2, c:create({ id = "test:deep", kind = "registry.entry", data = { deep = deep } })),
      "the entry table cannot be read: tables nested deeper than")
  if problem then
    return false, problem
  end
  if #c:ops() ~= 0 then
    return false, "refused operations were added: " .. #c:ops()
  end
  if pcall(c.create, nil, {}) then
    return false, "create without a change set did not raise"
  end

  local me = process.id()
  c = snap:changes()
  c:create({ id = me, kind = "registry.entry" })
  problem = expect_apply_fails("create of an existing id", c, "already exists")
  if problem then return false, problem end

  c = snap:changes()
  c:update({ id = "test:missing", kind = "registry.entry" })
  problem = expect_apply_fails("update of a missing id", c, "test:missing")
  if problem then return false, problem end

  c = snap:changes()
  c:delete("test:missing")
  problem = expect_apply_fails("delete of a missing id", c, "test:missing")
  if problem then return false, problem end

  -- An update keeps the entry's kind, as the original's: here a process.lua.
  c = snap:changes()
  c:update({ id = me, kind = "registry.entry", data = { x = 1 } })
  problem = expect_apply_fails("an update that changes the kind", c, "cannot change entry kind from process.lua to registry.entry")
  if problem then return false, problem end

  c = snap:changes()
  c:create({ id = "test:token", kind = "env.variable", data = { variable = "TOKEN", storage = "test:no_storage" } })
  problem = expect_apply_fails("create of an environment variable", c, "(kind env.variable) cannot be changed")
  if problem then return false, problem end

  -- A new dependency fails as the original's resolver fails one it cannot resolve:
  -- nothing is resolved while this runtime runs.
  c = snap:changes()
  c:create({ id = "test:dep", kind = "ns.dependency", data = { component = "wippy/terminal", version = ">=9999.0.0" } })
  problem = expect_apply_fails("create of a dependency", c, "dependency resolution failed")
    or expect_apply_fails("create of a dependency", c, "wippy/terminal")
  if problem then return false, problem end
  if registry.get("test:dep") ~= nil then
    return false, "a refused dependency was made"
  end

  c = snap:changes()
  c:create({ id = "test:web", kind = "http.service", data = { addr = ":0", lifecycle = { auto_start = true } } })
  problem = expect_apply_fails("create of a kind with a lifecycle that is not run", c, "http.service")
  if problem then return false, problem end

  c = snap:changes()
  c:create({ id = "test:svc", kind = "process.service", data = { process = "test:no_such_process", host = "test:processes" } })
  problem = expect_apply_fails("a service of a missing process", c, "test:no_such_process")
  if problem then return false, problem end

  c = snap:changes()
  c:create({ id = "test:importer", kind = "function.lua",
    data = { source = "return { main = function() end }", method = "main", imports = { lib = "test:no_such_lib" } } })
  problem = expect_apply_fails("a reference to a missing entry", c, "test:no_such_lib")
    or expect_apply_fails("a reference to a missing entry", c,
      "field \"imports.lib\": refers to test:no_such_lib, which the registry does not have")
  if problem then return false, problem end

  -- A delete that would leave a reference to the deleted entry names both, and the
  -- message has no line for an entry made from data.
  c = snap:changes()
  c:create({ id = "test:lib", kind = "library.lua", data = { source = "return {}" } })
  c:create({ id = "test:user", kind = "function.lua",
    data = { source = "return { main = function() end }", method = "main", imports = { lib = "test:lib" } } })
  local made, made_err = c:apply()
  if made == nil then return false, "a library and its user: " .. tostring(made_err) end
  c = registry.snapshot():changes()
  c:delete("test:lib")
  problem = expect_apply_fails("a delete that leaves a reference", c,
    "registry change: entry test:user: field \"imports.lib\": refers to test:lib, which this change set deletes")
  if problem then return false, problem end
  if registry.get("test:lib") == nil then
    return false, "a refused delete was applied"
  end
  local back, back_err = registry.apply_version(snap:version())
  if back_err ~= nil then
    return false, "could not go back to the first version: " .. tostring(back_err)
  end

  -- The create before a failing delete in one set is not applied either.
  c = snap:changes()
  c:create({ id = "test:first", kind = "registry.entry" })
  c:delete("test:missing")
  problem = expect_apply_fails("a set whose second operation fails", c, "test:missing")
  if problem then return false, problem end

  if registry.current_version():id() ~= 1 or registry.get("test:first") ~= nil or #registry.versions() ~= 3 then
    return false, "a refused apply changed the registry"
  end
  return true
end

return { main = main }
