-- json.validate(schema, data) and json.validate_string(schema, text) check JSON Schema.
local json = require("json")

local function main()
  if type(json.validate) ~= "function" or type(json.validate_string) ~= "function" then
    return false, "json.validate / json.validate_string are missing"
  end
  local schema = {
    type = "object",
    properties = { name = { type = "string" }, age = { type = "integer", minimum = 0 } },
    required = { "name" },
  }
  local ok, err = json.validate(schema, { name = "x", age = 3 })
  if ok ~= true then
    return false, "valid data rejected: " .. tostring(err)
  end
  ok, err = json.validate(schema, { age = -1 })
  if ok ~= false or err == nil then
    return false, "invalid data accepted"
  end
  ok = json.validate_string(schema, '{"name": "y"}')
  if ok ~= true then
    return false, "validate_string rejected valid text"
  end
  return true
end

return { main = main }
