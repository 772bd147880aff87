-- errors.is(v, kind) is false (not an error) for values that are not errors: a string,
-- nil (R tests/app/src/test/errors/is.lua).
local function main()
  local e = errors.new({ message = "timeout", kind = errors.TIMEOUT })
  if errors.is(e, errors.TIMEOUT) ~= true then
    return false, "matching kind"
  end
  if errors.is(e, errors.NOT_FOUND) ~= false then
    return false, "other kind"
  end
  local ok, r = pcall(errors.is, "not an error", errors.TIMEOUT)
  if not ok or r ~= false then
    return false, "string: " .. tostring(r)
  end
  ok, r = pcall(errors.is, nil, errors.TIMEOUT)
  if not ok or r ~= false then
    return false, "nil: " .. tostring(r)
  end
  return true
end

return { main = main }
