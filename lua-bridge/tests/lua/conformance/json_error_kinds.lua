-- json errors carry the original's kinds, not retryable: encoding a sparse array is
-- INTERNAL, decoding "" or a non-string is INVALID, decoding malformed text is INTERNAL
-- (R tests/app/src/test/json/encode.lua, decode.lua).
local json = require("json")

local function main()
  local s, err = json.encode({ [1] = "a", [3] = "c" })
  if s ~= nil or err == nil then
    return false, "sparse array encoded: " .. tostring(s)
  end
  if err:kind() ~= errors.INTERNAL or err:retryable() ~= false then
    return false, "sparse: kind " .. tostring(err:kind()) .. ", retryable " .. tostring(err:retryable())
  end
  local v
  v, err = json.decode("")
  if err == nil then
    return false, "empty text decoded"
  end
  if err:kind() ~= errors.INVALID or err:retryable() ~= false then
    return false, "empty: kind " .. tostring(err:kind()) .. ", retryable " .. tostring(err:retryable())
  end
  v, err = json.decode(123)
  if v ~= nil or err == nil or err:kind() ~= errors.INVALID then
    return false, "non-string decoded: " .. tostring(v) .. ", " .. tostring(err)
  end
  v, err = json.decode("not json")
  if v ~= nil or err == nil then
    return false, "garbage decoded"
  end
  if err:kind() ~= errors.INTERNAL or err:retryable() ~= false then
    return false, "garbage: kind " .. tostring(err:kind()) .. ", retryable " .. tostring(err:retryable())
  end
  return true
end

return { main = main }
