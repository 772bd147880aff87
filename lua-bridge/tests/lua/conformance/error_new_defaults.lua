-- errors.new("msg"): kind() is "" (UNKNOWN), retryable() is nil, details() is nil; an
-- empty details table also gives nil (R tests/app/src/test/errors/new.lua, details.lua,
-- retryable.lua).
local function main()
  local e = errors.new("simple error")
  if e:message() ~= "simple error" then
    return false, "message " .. tostring(e:message())
  end
  if e:kind() ~= "" then
    return false, "default kind " .. string.format("%q", tostring(e:kind()))
  end
  if e:retryable() ~= nil then
    return false, "default retryable " .. tostring(e:retryable())
  end
  if e:details() ~= nil then
    return false, "default details " .. tostring(e:details())
  end
  local f = errors.new({ message = "no retry", retryable = false })
  if f:retryable() ~= false then
    return false, "retryable=false gave " .. tostring(f:retryable())
  end
  local empty = errors.new({ message = "empty", details = {} })
  if empty:details() ~= nil then
    return false, "empty details gave " .. tostring(empty:details())
  end
  local nested = errors.new({ message = "nested", details = { user = { name = "test", id = 1 }, count = 5 } })
  local d = nested:details()
  if not d or d.count ~= 5 or not d.user or d.user.name ~= "test" or d.user.id ~= 1 then
    return false, "nested details not kept"
  end
  return true
end

return { main = main }
