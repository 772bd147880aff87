-- The io module loads (it is in modules:), but on a process.host (no terminal) its
-- functions return nil, err (UNAVAILABLE) instead of touching stdin/stdout.
local io = require("io")

local function main()
  local ok, err = io.print("should not appear")
  if ok ~= nil or err == nil then
    return false, "io.print on a process host: " .. tostring(ok)
  end
  if err:kind() ~= errors.UNAVAILABLE then
    return false, "kind " .. tostring(err:kind())
  end
  ok, err = io.write("x")
  if ok ~= nil or err == nil then
    return false, "io.write on a process host"
  end
  local line, rerr = io.readline()
  if line ~= nil or rerr == nil then
    return false, "io.readline on a process host"
  end
  if type(io.open) == "function" then
    return false, "io.open exists"
  end
  return true
end

return { main = main }
