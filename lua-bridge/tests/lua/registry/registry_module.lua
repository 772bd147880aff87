-- The registry module reads the loaded entries: get by id (NOT_FOUND for none), find by
-- kind and id patterns (INVALID for a criterion that cannot be met), parse_id.
local function main()
  local me = process.id()
  local entry, err = registry.get(me)
  if err ~= nil or entry.id ~= me or entry.kind ~= "process.lua" then
    return false, "get(" .. me .. "): " .. tostring(entry and entry.kind) .. ", " .. tostring(err)
  end
  if type(entry.meta) ~= "table" or entry.data.method ~= "main" then
    return false, "the entry's meta and data: " .. tostring(entry.data.method)
  end

  local none, nerr = registry.get("test:no_such_entry")
  if none ~= nil or nerr == nil or nerr:kind() ~= errors.NOT_FOUND then
    return false, "get of an unknown id: " .. tostring(none) .. ", " .. tostring(nerr)
  end

  local functions, ferr = registry.find({ [".kind"] = "function.lua" })
  if ferr ~= nil or #functions < 3 then
    return false, "find by kind: " .. tostring(functions and #functions) .. ", " .. tostring(ferr)
  end
  for _, f in ipairs(functions) do
    if f.kind ~= "function.lua" then
      return false, "find by kind gave " .. f.id .. " of kind " .. f.kind
    end
  end
  local named = registry.find({ kind = "function.lua", [".name"] = "echo_*" })
  if #named ~= 1 or named[1].id ~= "test:echo_fn" then
    return false, "find by kind and name pattern: " .. #named
  end
  local nothing = registry.find({ ["meta.type"] = "no such type" })
  if #nothing ~= 0 then
    return false, "find by a meta value nobody has: " .. #nothing
  end

  local bad, berr = registry.find({ [".colour"] = "red" })
  if bad ~= nil or berr == nil or berr:kind() ~= errors.INVALID then
    return false, "find with an unknown root field: " .. tostring(bad) .. ", " .. tostring(berr)
  end
  local ok = pcall(registry.find, "kind")
  if ok then
    return false, "find with a string did not raise"
  end

  local id = registry.parse_id("app.lib:assert")
  if id.ns ~= "app.lib" or id.name ~= "assert" then
    return false, "parse_id: " .. tostring(id.ns) .. " / " .. tostring(id.name)
  end
  id = registry.parse_id("plain")
  if id.ns ~= "" or id.name ~= "plain" then
    return false, "parse_id without a namespace"
  end
  return true
end

return { main = main }
