-- env.get/env.set on a memory variable: nil and NOT_FOUND before a value is set, the
-- value after, a second set overwrites; a default fills a missing value; a variable
-- without `variable:` is found by its entry name in the caller's namespace and by id.
local env = require("env")

local function main()
  local value, err = env.get("TEST_VAR")
  assert(value == nil and err, "unset variable: " .. tostring(value))
  assert(err:kind() == errors.NOT_FOUND, "kind: " .. tostring(err:kind()))
  assert(tostring(err):find("TEST_VAR", 1, true), tostring(err))

  local ok, set_err = env.set("TEST_VAR", "hello_world")
  assert(ok == true and set_err == nil, "set: " .. tostring(set_err))
  value, err = env.get("TEST_VAR")
  assert(value == "hello_world" and err == nil, "get: " .. tostring(value))
  assert(env.set("TEST_VAR", "new_value"))
  assert(env.get("TEST_VAR") == "new_value")

  assert(env.get("TEST_DEFAULT") == "fallback")
  assert(env.set("TEST_DEFAULT", "chosen"))
  assert(env.get("TEST_DEFAULT") == "chosen")

  assert(env.set("by_id_only", "found by name"))
  assert(env.get("by_id_only") == "found by name")
  assert(env.get("test:by_id_only") == "found by name")

  -- Numbers are taken as their text, as the original's CheckString takes them.
  assert(env.set("TEST_VAR", 42))
  assert(env.get("TEST_VAR") == "42")
  return true
end

return { main = main }
