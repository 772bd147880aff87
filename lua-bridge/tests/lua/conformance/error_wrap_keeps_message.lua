-- errors.wrap(err, context) keeps the inner error's message, kind, retryable and
-- details (the context is separate); it also wraps a plain string
-- (R tests/app/src/test/errors/wrap.lua).
local function main()
  local inner = errors.new({ message = "inner error", kind = errors.INVALID, retryable = true, details = { code = 42 } })
  local outer = errors.wrap(inner, "outer context")
  if outer:kind() ~= errors.INVALID then
    return false, "kind " .. tostring(outer:kind())
  end
  if outer:retryable() ~= true then
    return false, "retryable " .. tostring(outer:retryable())
  end
  if outer:message() ~= "inner error" then
    return false, "message " .. string.format("%q", tostring(outer:message()))
  end
  local d = outer:details()
  if not d or d.code ~= 42 then
    return false, "details not kept"
  end
  local ws = errors.wrap("string error", "context")
  if not ws or ws:message() ~= "string error" then
    return false, "wrapped string message " .. tostring(ws and ws:message())
  end
  return true
end

return { main = main }
