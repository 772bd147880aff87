-- time.parse_duration("invalid") returns nil, err with kind INVALID, not retryable
-- (R tests/app/src/test/time/errors.lua).
local time = require("time")

local function main()
  local d, err = time.parse_duration("invalid")
  if d ~= nil or err == nil then
    return false, "returned " .. tostring(d)
  end
  if err:kind() ~= errors.INVALID then
    return false, "kind " .. tostring(err:kind())
  end
  if err:retryable() ~= false then
    return false, "retryable " .. tostring(err:retryable())
  end
  return true
end

return { main = main }
