-- The uuid module: new UUIDs of versions 1, 4 and 7, name-based ones (3, 5) with their
-- standard values, validate/version/variant/parse/format, and the original's errors.
local uuid = require("uuid")

local DNS = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"

local function main()
  for _, v in ipairs({ 1, 4, 7 }) do
    local id, err = uuid["v" .. v]()
    if err ~= nil or #id ~= 36 or not uuid.validate(id) or uuid.version(id) ~= v then
      return false, "v" .. v .. ": " .. tostring(id) .. " " .. tostring(err)
    end
    if uuid.variant(id) ~= "RFC4122" then
      return false, "v" .. v .. " variant " .. tostring(uuid.variant(id))
    end
  end
  if uuid.v4() == uuid.v4() then
    return false, "two v4 UUIDs are equal"
  end
  if uuid.v3(DNS, "www.example.com") ~= "5df41881-3aed-3515-88a7-2f4a814cf09e" then
    return false, "v3 " .. tostring(uuid.v3(DNS, "www.example.com"))
  end
  if uuid.v5(DNS, "www.example.com") ~= "2ed6657d-e927-568b-95e1-2665a8aea6a2" then
    return false, "v5 " .. tostring(uuid.v5(DNS, "www.example.com"))
  end
  local now = os.time()
  local info = uuid.parse(uuid.v7())
  if info.version ~= 7 or info.variant ~= "RFC4122" or math.abs(info.timestamp - now) > 2 then
    return false, "parse v7: " .. tostring(info.version) .. " " .. tostring(info.timestamp)
  end
  info = uuid.parse(uuid.v1())
  if info.version ~= 1 or math.abs(info.timestamp - now) > 2 or #info.node ~= 6 then
    return false, "parse v1"
  end
  info = uuid.parse(DNS)
  if info.version ~= 1 or info.timestamp == nil then
    return false, "parse DNS namespace"
  end
  if uuid.format(DNS, "simple") ~= "6ba7b8109dad11d180b400c04fd430c8"
    or uuid.format(DNS, "urn") ~= "urn:uuid:" .. DNS
    or uuid.format(DNS) ~= DNS
    or uuid.format("{" .. DNS .. "}") ~= DNS
    or uuid.format(string.upper(DNS)) ~= DNS then
    return false, "format"
  end
  if uuid.validate("not-a-uuid") ~= false or uuid.validate(42) ~= false then
    return false, "validate of bad input"
  end
  for _, case in ipairs({
    { function() return uuid.v3("invalid", "x") end, "invalid namespace UUID" },
    { function() return uuid.v5(DNS, 5) end, "namespace and name must be strings" },
    { function() return uuid.version(123) end, "input must be a string" },
    { function() return uuid.variant("nope") end, "invalid UUID format" },
    { function() return uuid.parse("not-a-uuid") end, "invalid UUID format" },
  }) do
    local v, err = case[1]()
    if v ~= nil or err == nil or err:message() ~= case[2] or err:kind() ~= errors.INVALID then
      return false, "expected " .. case[2] .. ", got " .. tostring(v) .. ", " .. tostring(err)
    end
  end
  local v, err = uuid.format(DNS, "unknown")
  if v ~= nil or err:kind() ~= errors.INVALID or err:retryable() ~= false or err:message() ~= "unsupported format" then
    return false, "format error: " .. tostring(err)
  end
  return true
end

return { main = main }
