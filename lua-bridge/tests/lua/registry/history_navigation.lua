-- Versions and history: the booted registry is version 1, after the empty version 0;
-- versions() oldest first; previous/next; history:get_version
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
  -- The registry booted with is version 1, made from version 0, the empty registry (as
  -- the original's boot applies the loaded entries to its empty root version).
  local v1 = registry.current_version()
  local v0 = v1:previous()
  if v1:id() ~= 1 or v1:next() ~= nil or v0 == nil or v0:id() ~= 0 or v0:previous() ~= nil then
    return false, "the booted version: " .. v1:string() .. ", previous " .. tostring(v0)
  end
  local booted, berr0 = registry.snapshot_at(v1:id())
  if berr0 ~= nil or booted:version() ~= v1 or booted:get(process.id()) == nil then
    return false, "snapshot_at of the booted version: " .. tostring(berr0)
  end
  local v2 = apply_one("test:one")
  local v3 = apply_one("test:two")
  local list, err = registry.versions()
  if err ~= nil or #list ~= 4 or list[1]:id() ~= 0 or list[4]:id() ~= 3 then
    return false, "versions(): " .. tostring(err)
  end
  if v0:next() ~= v1 or v1:next() ~= v2 or v2:next() ~= v3 or v3:previous() ~= v2 or v3:next() ~= nil then
    return false, "navigation over four versions"
  end

  local hist, herr = registry.history()
  -- The original's exact text (its history_test.go).
  if herr ~= nil or tostring(hist) ~= "registry.History{}" then
    return false, "history(): " .. tostring(herr)
  end
  local hv = hist:versions()
  if #hv ~= 4 then
    return false, "history:versions(): " .. #hv
  end
  local got, gerr = hist:get_version(2)
  if gerr ~= nil or got ~= v2 then
    return false, "get_version(2): " .. tostring(gerr)
  end
  local bad, berr = hist:get_version(-1)
  if bad ~= nil or berr:kind() ~= errors.INVALID then
    return false, "get_version(-1): " .. tostring(berr)
  end
  bad, berr = hist:get_version(99)
  if bad ~= nil or berr:kind() ~= errors.NOT_FOUND then
    return false, "get_version(99): " .. tostring(berr)
  end

  local s2, serr = registry.snapshot_at(2)
  if serr ~= nil or s2:version() ~= v2 or s2:get("test:one") == nil or s2:get("test:two") ~= nil then
    return false, "snapshot_at(2): " .. tostring(serr)
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
  local s1 = hist:snapshot_at(v1)
  if s1:version() ~= v1 or s1:get("test:one") ~= nil then
    return false, "history:snapshot_at(v1)"
  end
  s, e = hist:snapshot_at("v1")
  if s ~= nil or e:kind() ~= errors.INVALID then
    return false, "history:snapshot_at of a string: " .. tostring(e)
  end

  local ok, aerr = registry.apply_version("v2")
  if ok ~= false or aerr:kind() ~= errors.INVALID then
    return false, "apply_version of a string: " .. tostring(ok) .. ", " .. tostring(aerr)
  end
  assert(registry.apply_version(v2))
  local v4 = apply_one("test:three")
  if v4:id() ~= 4 or v4:previous() ~= v2 or v2:next() ~= v4 then
    return false, "the branch: v4 previous " .. tostring(v4:previous()) .. ", v2 next " .. tostring(v2:next())
  end
  local now = registry.snapshot()
  if now:get("test:two") ~= nil or now:get("test:three") == nil or now:get("test:one") == nil then
    return false, "the branch's registry"
  end
  return true
end

return { main = main }
