-- A function.lua entry created by a change set can be called at once; an update runs
-- its new source; apply_version goes back (the function is gone: NOT_FOUND) and forward
-- again; a process.lua entry created by a change set can be spawned.
local receive = require("wait").receive

local function fn_entry(value)
  return {
    id = "test:dynamic_fn",
    kind = "function.lua",
    meta = { comment = "made at run time" },
    data = {
      source = "local function main(x) return { value = '" .. value .. "', x = x } end\nreturn { main = main }",
      method = "main",
    },
  }
end

local function main()
  local v0 = registry.current_version()
  local c = registry.snapshot():changes()
  c:create(fn_entry("first"))
  local v1, err = c:apply()
  if err ~= nil then
    return false, "create: " .. tostring(err)
  end
  local r, cerr = funcs.call("test:dynamic_fn", 7)
  if cerr ~= nil or r.value ~= "first" or r.x ~= 7 then
    return false, "call after create: " .. tostring(cerr)
  end

  c = registry.snapshot():changes()
  c:update(fn_entry("second"))
  local v2, uerr = c:apply()
  if uerr ~= nil then
    return false, "update: " .. tostring(uerr)
  end
  r, cerr = funcs.call("test:dynamic_fn")
  if cerr ~= nil or r.value ~= "second" then
    return false, "call after update: " .. tostring(r and r.value) .. ", " .. tostring(cerr)
  end

  local ok, aerr = registry.apply_version(v0)
  if ok ~= true or aerr ~= nil or registry.current_version() ~= v0 then
    return false, "apply_version(v0): " .. tostring(aerr)
  end
  r, cerr = funcs.call("test:dynamic_fn")
  if r ~= nil or cerr == nil or cerr:kind() ~= errors.NOT_FOUND then
    return false, "call after going back: " .. tostring(r) .. ", " .. tostring(cerr)
  end

  ok, aerr = registry.apply_version(v1)
  r, cerr = funcs.call("test:dynamic_fn")
  if not ok or cerr ~= nil or r.value ~= "first" then
    return false, "call after going forward to v1: " .. tostring(r and r.value) .. ", " .. tostring(cerr)
  end
  if v1:id() ~= v0:id() + 1 or v2:id() ~= v0:id() + 2 then
    return false, "versions are numbered in order"
  end

  c = registry.snapshot():changes()
  c:create({
    id = "test:dynamic_worker",
    kind = "process.lua",
    data = {
      source = "local function main(parent) process.send(parent, 'hello', 'from ' .. process.id()) end\nreturn { main = main }",
      method = "main",
      modules = {},
    },
  })
  local _, perr = c:apply()
  if perr ~= nil then
    return false, "create process.lua: " .. tostring(perr)
  end
  local pid, serr = process.spawn("test:dynamic_worker", "test:processes", process.pid())
  if pid == nil then
    return false, "spawn of the created entry: " .. tostring(serr)
  end
  local msg = receive(process.inbox(), "1s")
  if msg == nil or msg:payload():data() ~= "from test:dynamic_worker" then
    return false, "the created worker's message: " .. tostring(msg and msg:payload():data())
  end
  return true
end

return { main = main }
