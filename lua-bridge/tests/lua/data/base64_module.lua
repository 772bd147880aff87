-- base64: standard padded Base64 of any bytes; decoding bad text and non-string
-- arguments give nil and an INVALID, not retryable error (no raise).
local base64 = require("base64")

local function main()
  assert(base64.encode("hello") == "aGVsbG8=")
  assert(base64.encode("") == "")
  assert(base64.encode("ab") == "YWI=")
  assert(base64.encode("binary\0data\255") == "YmluYXJ5AGRhdGH/")
  assert(base64.decode("YmluYXJ5AGRhdGH/") == "binary\0data\255")
  assert(base64.decode("") == "")
  for _, s in ipairs({ "", "a", "ab", "abc", "abcd", string.rep("\1\2\3\250", 100) }) do
    assert(base64.decode(base64.encode(s)) == s, "round trip of " .. #s .. " bytes")
  end

  local value, err = base64.decode("!!!invalid!!!")
  assert(value == nil, "bad text gives no value")
  assert(err:kind() == errors.INVALID and err:retryable() == false, tostring(err))
  assert(tostring(err):find("illegal base64 data at input byte 0", 1, true), tostring(err))
  value, err = base64.decode("YWJ")
  assert(value == nil and tostring(err):find("illegal base64", 1, true), "truncated text")

  for _, bad in ipairs({ 42, {}, true }) do
    value, err = base64.encode(bad)
    assert(value == nil and err:kind() == errors.INVALID, "encode of a " .. type(bad))
    value, err = base64.decode(bad)
    assert(value == nil and err:kind() == errors.INVALID, "decode of a " .. type(bad))
  end
  value, err = base64.encode()
  assert(value == nil and tostring(err):find("string expected", 1, true), "no argument")
  return true
end

return { main = main }
