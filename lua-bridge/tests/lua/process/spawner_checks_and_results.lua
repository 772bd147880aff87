-- A spawner's spawn calls read their arguments as the original's: fewer than two ids
-- raise "spawn requires at least id and host arguments", an id of another type raises;
-- on success they return the pid and nil; with a held name they signal its holder, but a
-- host that does not exist is reported first (nil, NOT_FOUND). A spawner's with_context
-- leaves out keys that are not strings (process.with_context refuses them).
local function main()
  local sp = process.with_context({ k = "v" })
  local raised, msg = pcall(sp.spawn, sp)
  assert(not raised and tostring(msg):find("spawn requires at least id and host arguments", 1, true), tostring(msg))
  raised, msg = pcall(sp.spawn, sp, "test:long_worker")
  assert(not raised and tostring(msg):find("spawn requires at least id and host arguments", 1, true), tostring(msg))
  raised, msg = pcall(sp.spawn, sp, nil, "test:processes")
  assert(not raised and tostring(msg):find("string expected, got nil", 1, true), tostring(msg))

  local named = sp:with_name("spawner_checks_holder")
  local n = select("#", named:spawn("test:long_worker", "test:processes"))
  assert(n == 2, "spawn returns two values: " .. n)
  local holder = process.registry.lookup("spawner_checks_holder")
  assert(holder)
  local again, err2 = named:spawn("test:long_worker", "test:processes")
  assert(again == holder and err2 == nil, "a held name signals its holder")
  local none, err = named:spawn("test:long_worker", "test:no_such_host")
  assert(none == nil and err and err:kind() == errors.NOT_FOUND, tostring(err))

  local lax = sp:with_context({ [1] = "x", good = "y" })
  assert(lax ~= nil)
  assert(not pcall(process.with_context, { [1] = "x" }), "process.with_context refuses non-string keys")
  process.terminate(holder)
  return true
end

return { main = main }
