-- registry.build_delta(from, to): the operations that turn one list of entry tables into
-- the other (creates and updates in to's order, then deletes); equal entries give none;
-- lists that are not tables give INVALID.
local function main()
  local a = { id = "test:a", kind = "registry.entry", meta = { n = 1 }, data = { v = 1 } }
  local b = { id = "test:b", kind = "registry.entry", meta = {} }
  local b2 = { id = "test:b", kind = "registry.entry", meta = { changed = true } }
  local c = { id = "test:c", kind = "registry.entry" }

  local ops, err = registry.build_delta({ a, b }, { b2, c })
  if err ~= nil or #ops ~= 3 then
    return false, "delta: " .. tostring(err) .. ", " .. tostring(ops and #ops)
  end
  local want = { { "entry.update", "test:b" }, { "entry.create", "test:c" }, { "entry.delete", "test:a" } }
  for i, w in ipairs(want) do
    if ops[i].kind ~= w[1] or ops[i].entry.id ~= w[2] then
      return false, "op " .. i .. ": " .. tostring(ops[i].kind) .. " " .. tostring(ops[i].entry.id)
    end
  end
  if ops[1].entry.meta.changed ~= true then
    return false, "the update carries the target entry"
  end

  local none = registry.build_delta({ a, b }, { b, a })
  if #none ~= 0 then
    return false, "equal lists gave " .. #none .. " operations"
  end
  local nodata = registry.build_delta({ { id = "test:d", kind = "k", data = {} } }, { { id = "test:d", kind = "k" } })
  if #nodata ~= 0 then
    return false, "empty data and no data differ"
  end

  local bad, berr = registry.build_delta("x", {})
  if bad ~= nil or berr:kind() ~= errors.INVALID then
    return false, "from not a table: " .. tostring(berr)
  end
  bad, berr = registry.build_delta({}, 5)
  if bad ~= nil or berr:kind() ~= errors.INVALID then
    return false, "to not a table: " .. tostring(berr)
  end
  return true
end

return { main = main }
