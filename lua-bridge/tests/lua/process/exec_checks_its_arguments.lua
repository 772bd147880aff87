-- process.exec checks its arguments as the original does, each an INVALID error: fewer
-- than two arguments, an empty id, an id without a namespace and an empty host; an
-- entry or host that does not exist fails as its exec command does (INTERNAL, "exec
-- failed: ...").
local function invalid(text, v, err)
  assert(v == nil and err and err:kind() == errors.INVALID, text .. ": " .. tostring(err))
  assert(tostring(err) == text, tostring(err))
end

local function main()
  invalid("exec requires id and host arguments", process.exec("test:normal_worker"))
  invalid("process ID required", process.exec("", "test:processes"))
  invalid("invalid process ID format (namespace:name required)", process.exec("normal_worker", "test:processes"))
  invalid("invalid process ID format (namespace:name required)", process.exec("test:", "test:processes"))
  invalid("host ID required", process.exec("test:normal_worker", ""))
  local v, err = process.exec("test:normal_worker", "test:no_such_host")
  assert(v == nil and err:kind() == errors.INTERNAL, tostring(err))
  assert(tostring(err):find("^exec failed: "), tostring(err))
  assert(process.exec("test:normal_worker", "test:processes") == 42)
  return true
end

return { main = main }
