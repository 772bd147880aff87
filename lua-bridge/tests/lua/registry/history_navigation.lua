-- Versions and history: versions() oldest first; previous/next; history:get_version
-- (INVALID below 0, NOT_FOUND past the last); snapshot_at by id (from 1; INVALID for 0
-- and below, NOT_FOUND past the last) and history:snapshot_at by version object; going
-- back and applying again branches: the new version's previous is the one gone back to,
-- whose next becomes the new one.
local function apply_one(id)
  local c = registry.snapshot():changes()
  c:create({ id = id, kind = "registry.entry" })
  local v, err = c:apply()
  assert(err == nil, tostring(err))
  return v
end

local function main()
  local v0 = registry.current_version()
  if v0:previous() ~= nil or v0:next() ~= nil then
    return false, "the first version has neighbours"
  end
  local v1 = apply_one("test:one")
  local v2 = apply_one("test:two")
  local list, err = registry.versions()
  if err ~= nil or #list ~= 3 or list[1]:id() ~= 0 or list[3]:id() ~= 2 then
    return false, "versions(): " .. tostring(err)
  end
  if v0:next() ~= v1 or v1:next() ~= v2 or v2:previous() ~= v1 or v2:next() ~= nil then
    return false, "navigation over three versions"
  end

  local hist, herr = registry.history()
  -- The original's exact text (its history_test.go).
  if herr ~= nil or tostring(hist) ~= "registry.History{}" then
    return false, "history(): " .. tostring(herr)
  end
  local hv = hist:versions()
  if #hv ~= 3 then
    return false, "history:versions(): " .. #hv
  end
  local got, gerr = hist:get_version(1)
  if gerr ~= nil or got ~= v1 then
    return false, "get_version(1): " .. tostring(gerr)
  end
  local bad, berr = hist:get_version(-1)
  if bad ~= nil or berr:kind() ~= errors.INVALID then
    return false, "get_version(-1): " .. tostring(berr)
  end
  bad, berr = hist:get_version(99)
  if bad ~= nil or berr:kind() ~= errors.NOT_FOUND then
    return false, "get_version(99): " .. tostring(berr)
  end

  local s1, serr = registry.snapshot_at(1)
  if serr ~= nil or s1:version() ~= v1 or s1:get("test:one") == nil or s1:get("test:two") ~= nil then
    return false, "snapshot_at(1): " .. tostring(serr)
  end
  for _, id in ipairs({ 0, -1 }) do
    local s, e = registry.snapshot_at(id)
    if s ~= nil or e == nil or e:kind() ~= errors.INVALID then
      return false, "snapshot_at(" .. id .. "): " .. tostring(e)
    end
  end
  local s, e = registry.snapshot_at(99)
  if s ~= nil or e:kind() ~= errors.NOT_FOUND then
    return false, "snapshot_at(99): " .. tostring(e)
  end
  local s0 = hist:snapshot_at(v0)
  if s0:version() ~= v0 or s0:get("test:one") ~= nil then
    return false, "history:snapshot_at(v0)"
  end
  s, e = hist:snapshot_at("v0")
  if s ~= nil or e:kind() ~= errors.INVALID then
    return false, "history:snapshot_at of a string: " .. tostring(e)
  end

  local ok, aerr = registry.apply_version("v1")
  if ok ~= false or aerr:kind() ~= errors.INVALID then
    return false, "apply_version of a string: " .. tostring(ok) .. ", " .. tostring(aerr)
  end
  assert(registry.apply_version(v1))
  local v3 = apply_one("test:three")
  if v3:id() ~= 3 or v3:previous() ~= v1 or v1:next() ~= v3 then
    return false, "the branch: v3 previous " .. tostring(v3:previous()) .. ", v1 next " .. tostring(v1:next())
  end
  local now = registry.snapshot()
  if now:get("test:two") ~= nil or now:get("test:three") == nil or now:get("test:one") == nil then
    return false, "the branch's registry"
  end
  return true
end

return { main = main }
