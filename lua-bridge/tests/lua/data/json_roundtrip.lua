-- json.encode / json.decode round-trip tables, arrays, nesting, numbers, strings and
-- booleans; an empty table encodes as [].
local json = require("json")

local function main()
  local value = {
    name = "wippy",
    count = 3,
    ratio = 0.25,
    ok = true,
    off = false,
    list = { 1, 2, 3 },
    nested = { deep = { deeper = { "x", "y" } } },
    text = "quote \" backslash \\ newline \n unicode é",
  }
  local text, err = json.encode(value)
  if text == nil then
    return false, "encode failed: " .. tostring(err)
  end
  if type(text) ~= "string" then
    return false, "encode returned a " .. type(text)
  end
  local back, derr = json.decode(text)
  if back == nil then
    return false, "decode failed: " .. tostring(derr)
  end
  if back.name ~= "wippy" or back.count ~= 3 or back.ratio ~= 0.25 or back.ok ~= true or back.off ~= false then
    return false, "scalars changed"
  end
  if #back.list ~= 3 or back.list[3] ~= 3 then
    return false, "list changed"
  end
  if back.nested.deep.deeper[2] ~= "y" then
    return false, "nesting changed"
  end
  if back.text ~= value.text then
    return false, "string changed: " .. tostring(back.text)
  end
  if json.encode({}) ~= "[]" then
    return false, "empty table encodes as " .. tostring(json.encode({}))
  end
  if json.encode({ 1, 2 }) ~= "[1,2]" then
    return false, "array: " .. tostring(json.encode({ 1, 2 }))
  end
  if json.encode("s") ~= '"s"' or json.encode(5) ~= "5" or json.encode(true) ~= "true" then
    return false, "scalar encoding"
  end
  local arr = json.decode("[1, 2.5, \"three\", null, {\"k\": [true]}]")
  if arr[1] ~= 1 or arr[2] ~= 2.5 or arr[3] ~= "three" or arr[5].k[1] ~= true then
    return false, "decoding an array"
  end
  if math.type(json.decode("7")) ~= "integer" then
    return false, "integers decode as floats"
  end
  return true
end

return { main = main }
