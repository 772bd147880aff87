-- funcs.call returns nil and an error: the function's own error with its kind and
-- retryable flag, a raised error with its message, and for an id that is malformed
-- (INVALID), unknown or neither a function nor a process (NOT_FOUND), without running
-- anything.
local function main()
  local v, err = funcs.call("test:kind_error_fn", errors.INVALID, "invalid input")
  if v ~= nil or err == nil or err:kind() ~= errors.INVALID or err:retryable() ~= false then
    return false, "INVALID from the function: " .. tostring(v) .. ", " .. tostring(err)
  end
  v, err = funcs.call("test:kind_error_fn", errors.UNAVAILABLE, "service down")
  if err == nil or err:kind() ~= errors.UNAVAILABLE or err:retryable() ~= true then
    return false, "UNAVAILABLE from the function: " .. tostring(err)
  end

  v, err = funcs.call("test:raise_fn", "boom")
  if v ~= nil or err == nil or not tostring(err):find("raised on purpose: boom", 1, true) then
    return false, "raised error: " .. tostring(v) .. ", " .. tostring(err)
  end

  for _, id in ipairs({ "", "nonamespace", ":name", "test:" }) do
    v, err = funcs.call(id)
    if v ~= nil or err == nil or err:kind() ~= errors.INVALID then
      return false, "call(" .. string.format("%q", id) .. "): " .. tostring(v) .. ", " .. tostring(err)
    end
  end
  v, err = funcs.call(42)
  if v ~= nil or err == nil or err:kind() ~= errors.INVALID then
    return false, "call(42): " .. tostring(err)
  end
  v, err = funcs.call("test:no_such_fn")
  if v ~= nil or err == nil or err:kind() ~= errors.NOT_FOUND then
    return false, "unknown function: " .. tostring(v) .. ", " .. tostring(err)
  end
  v, err = funcs.call("test:wait")
  if v ~= nil or err == nil or err:kind() ~= errors.NOT_FOUND
      or not tostring(err):find("not a function", 1, true) then
    return false, "a library called as a function: " .. tostring(v) .. ", " .. tostring(err)
  end
  return true
end

return { main = main }
