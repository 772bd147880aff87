-- An empty Lua table is as much {} as []: json.validate accepts it for an object schema
-- (as the original, which takes it for an object) and for an array schema (as
-- json.encode writes it), also nested; a value neither form fits is still refused.
local json = require("json")

local function main()
  local object = { type = "object", properties = { tags = { type = "array" } } }
  local ok, err = json.validate(object, {})
  if ok ~= true then
    return false, "empty table refused as an object: " .. tostring(err)
  end
  ok, err = json.validate({ type = "array" }, {})
  if ok ~= true then
    return false, "empty table refused as an array: " .. tostring(err)
  end
  ok, err = json.validate({ type = "object", properties = { meta = { type = "object" } } }, { meta = {} })
  if ok ~= true then
    return false, "nested empty table refused as an object: " .. tostring(err)
  end
  ok, err = json.validate(object, { tags = {} })
  if ok ~= true then
    return false, "nested empty table refused as an array: " .. tostring(err)
  end
  ok, err = json.validate({ type = "string" }, {})
  if ok ~= false or not tostring(err):find("validation failed", 1, true) then
    return false, "an empty table passed as a string: " .. tostring(err)
  end
  ok, err = json.validate({ type = "object", required = { "name" } }, {})
  if ok ~= false then
    return false, "an empty table passed a required field"
  end
  return true
end

return { main = main }
