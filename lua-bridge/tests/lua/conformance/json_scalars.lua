-- json.encode / json.decode of scalars: nil <-> null, booleans, 42, 3.14, strings, ""
-- (R tests/app/src/test/json/encode.lua, decode.lua).
local json = require("json")

local function main()
  local cases = { { nil, "null" }, { true, "true" }, { false, "false" }, { 42, "42" },
    { 3.14, "3.14" }, { "hello", '"hello"' }, { "", '""' } }
  for i = 1, #cases do
    local v, text = cases[i][1], cases[i][2]
    local got = json.encode(v)
    if got ~= text then
      return false, "encode " .. tostring(v) .. " gave " .. tostring(got)
    end
    local back, err = json.decode(text)
    if back ~= v or err ~= nil then
      return false, "decode " .. text .. " gave " .. tostring(back) .. ", " .. tostring(err)
    end
  end
  if json.encode({ 1, 2, 3 }) ~= "[1,2,3]" then
    return false, "array " .. tostring(json.encode({ 1, 2, 3 }))
  end
  local n = json.decode('{"items":[1,2],"meta":{"ok":true},"value":123}')
  if n.items[2] ~= 2 or n.meta.ok ~= true or n.value ~= 123 then
    return false, "nested decode"
  end
  return true
end

return { main = main }
