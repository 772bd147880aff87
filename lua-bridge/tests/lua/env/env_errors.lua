-- env's failures: an empty name is INVALID, an undeclared one NOT_FOUND, a readonly
-- variable and a read-only storage (os, static) PERMISSION_DENIED; none is retryable;
-- a name that is not a string raises.
local env = require("env")

local function expect(kind, what, f, ...)
  local value, err = f(...)
  assert(value == nil, what .. ": value " .. tostring(value))
  assert(err, what .. ": no error")
  assert(err:kind() == kind, what .. ": kind " .. tostring(err:kind()))
  assert(err:retryable() == false, what .. ": retryable")
end

local function main()
  expect(errors.INVALID, "get empty", env.get, "")
  expect(errors.INVALID, "set empty", env.set, "", "value")
  expect(errors.NOT_FOUND, "get undeclared", env.get, "NONEXISTENT_VAR_XYZ_123")
  expect(errors.NOT_FOUND, "set undeclared", env.set, "NONEXISTENT_VAR_XYZ_123", "x")
  expect(errors.PERMISSION_DENIED, "set readonly", env.set, "TEST_LOCKED", "x")
  expect(errors.PERMISSION_DENIED, "set os", env.set, "PATH", "x")
  expect(errors.PERMISSION_DENIED, "set static", env.set, "STATIC_GREETING", "x")
  assert(env.get("STATIC_GREETING") == "hello")

  local ok, message = pcall(env.get, {})
  assert(not ok and tostring(message):find("get", 1, true), tostring(message))
  ok, message = pcall(env.set, "TEST_VAR")
  assert(not ok, "set without a value must raise")
  return true
end

return { main = main }
