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

  -- Numbers compare by value, as the original's compare.go: 1 and 1.0 are the same.
  local ints = { id = "test:n", kind = "k", meta = { n = 1 }, data = { x = 1, list = { 1, 2 }, m = { y = 3 } } }
  local floats = { id = "test:n", kind = "k", meta = { n = 1.0 }, data = { x = 1.0, list = { 1.0, 2 }, m = { y = 3.0 } } }
  local same = registry.build_delta({ ints }, { floats })
  if #same ~= 0 then
    return false, "1 and 1.0 gave " .. #same .. " operations"
  end
  local other = { id = "test:n", kind = "k", meta = { n = 1.5 }, data = ints.data }
  local changed = registry.build_delta({ ints }, { other })
  if #changed ~= 1 or changed[1].kind ~= "entry.update" then
    return false, "1 and 1.5 are different"
  end
  local longer = { id = "test:n", kind = "k", meta = ints.meta, data = { x = 1, list = { 1, 2, 3 }, m = { y = 3 } } }
  if #registry.build_delta({ ints }, { longer }) ~= 1 then
    return false, "a longer list is a change"
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
