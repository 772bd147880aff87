-- Errors from the process API carry a kind and are marked not retryable (retryable()
-- is false, not nil): an unknown send destination (NOT_FOUND), a lookup of an unknown
-- name (NOT_FOUND), an unsupported option (INVALID) (R module.go newProcessError /
-- runtime/lua/errors.go NewCouldNotResolveError: WithRetryable(false)).
local function main()
  local _, err = process.send("conf_nobody_here", "t", 1)
  if err == nil or err:kind() ~= errors.NOT_FOUND or err:retryable() ~= false then
    return false, "send: kind " .. tostring(err and err:kind()) .. ", retryable " .. tostring(err and err:retryable())
  end
  _, err = process.registry.lookup("conf_nobody_here")
  if err == nil or err:kind() ~= errors.NOT_FOUND or err:retryable() ~= false then
    return false, "lookup: kind " .. tostring(err and err:kind()) .. ", retryable " .. tostring(err and err:retryable())
  end
  _, err = process.set_options({ upgradable = true })
  if err == nil or err:kind() ~= errors.INVALID or err:retryable() ~= false then
    return false, "set_options: kind " .. tostring(err and err:kind()) .. ", retryable " .. tostring(err and err:retryable())
  end
  return true
end

return { main = main }
