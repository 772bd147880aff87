-- registry.snapshot() reads the registry of the current version (1, the booted
-- registry, when nothing has changed): entries, get (NOT_FOUND for an unknown id), namespace, find; and it keeps
-- reading that version after a change set made a newer one.
local function main()
  local snap, err = registry.snapshot()
  if err ~= nil or snap == nil then
    return false, "snapshot: " .. tostring(err)
  end
  local v = snap:version()
  if v:id() ~= 1 or v:string() ~= "v1" then
    return false, "the first version is " .. v:string()
  end
  -- The original's exact texts (its snapshot_test.go and version_test.go).
  if tostring(snap) ~= "registry.Snapshot{version=v1}" or tostring(v) ~= "registry.Version{v1}" then
    return false, "tostring: " .. tostring(snap) .. " / " .. tostring(v)
  end

  local entries, eerr = snap:entries()
  if eerr ~= nil or #entries < 5 then
    return false, "entries: " .. tostring(entries and #entries) .. ", " .. tostring(eerr)
  end
  local me, gerr = snap:get(process.id())
  if gerr ~= nil or me.kind ~= "process.lua" then
    return false, "get of this program: " .. tostring(gerr)
  end
  local none, nerr = snap:get("test:no_such_entry")
  if none ~= nil or nerr == nil or nerr:kind() ~= errors.NOT_FOUND then
    return false, "get of an unknown id: " .. tostring(nerr)
  end
  local in_test = snap:namespace("test")
  if #in_test ~= #entries then
    return false, "namespace(test): " .. #in_test .. " of " .. #entries
  end
  if #snap:namespace("elsewhere") ~= 0 then
    return false, "namespace(elsewhere) is not empty"
  end
  local functions, ferr = snap:find({ kind = "function.lua" })
  if ferr ~= nil or #functions < 3 then
    return false, "find: " .. tostring(ferr)
  end
  local bad, berr = snap:find({ [".colour"] = "red" })
  if bad ~= nil or berr:kind() ~= errors.INVALID then
    return false, "find with an unknown root field: " .. tostring(berr)
  end

  local changes = snap:changes()
  changes:create({ id = "test:added", kind = "registry.entry", meta = { type = "added" } })
  local v2, aerr = changes:apply()
  if aerr ~= nil or v2:id() ~= 2 then
    return false, "apply: " .. tostring(aerr)
  end
  -- The old snapshot still reads version 1; a new one reads version 2.
  if snap:version():id() ~= 1 or snap:get("test:added") ~= nil or #snap:entries() ~= #entries then
    return false, "the old snapshot changed"
  end
  local now = registry.snapshot()
  if now:version():id() ~= 2 or #now:entries() ~= #entries + 1 then
    return false, "the new snapshot: " .. now:version():string()
  end
  local added = now:get("test:added")
  if added == nil or added.meta.type ~= "added" or added.kind ~= "registry.entry" then
    return false, "the added entry in the new snapshot"
  end
  return true
end

return { main = main }
