-- Applying a change set publishes one event per operation on the event bus (system
-- "registry", kind entry.create/update/delete, path the id, data the entry, none for a
-- delete); apply_version publishes the operations that lead to the version gone to; a
-- refused change set publishes nothing.
local receive = require("wait").receive
local try_receive = require("wait").try_receive

local function main()
  local sub = events.subscribe("registry")
  local ch = sub:channel()
  local v0 = registry.current_version()

  local c = registry.snapshot():changes()
  c:create({ id = "test:watched", kind = "registry.entry", meta = { n = 1 } })
  c:update({ id = "test:watched", kind = "registry.entry", meta = { n = 2 } })
  assert(c:apply())
  local created, updated = receive(ch), receive(ch)
  if created.system ~= "registry" or created.kind ~= "entry.create" or created.path ~= "test:watched"
      or created.data.meta.n ~= 1 or created.data.kind ~= "registry.entry" then
    return false, "the create event: " .. tostring(created.kind) .. " " .. tostring(created.path)
  end
  if updated.kind ~= "entry.update" or updated.data.meta.n ~= 2 then
    return false, "the update event: " .. tostring(updated.kind)
  end

  c = registry.snapshot():changes()
  c:delete("test:missing")
  local v, err = c:apply()
  if v ~= nil or err == nil then
    return false, "the refused apply succeeded"
  end

  assert(registry.apply_version(v0))
  local deleted = receive(ch)
  if deleted.kind ~= "entry.delete" or deleted.path ~= "test:watched" or deleted.data ~= nil then
    return false, "going back: " .. tostring(deleted.kind) .. " " .. tostring(deleted.path)
  end
  local extra = try_receive(ch, "50ms")
  if extra ~= nil then
    return false, "an event too many: " .. tostring(extra.kind) .. " " .. tostring(extra.path)
  end
  sub:close()
  return true
end

return { main = main }
