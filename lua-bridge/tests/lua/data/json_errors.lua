-- Bad input gives nil, err instead of raising: malformed JSON, values JSON cannot
-- hold (functions, sparse or mixed tables).
local json = require("json")

local function fails(what, v, err)
  if v ~= nil then
    error(what .. ": returned " .. tostring(v))
  end
  if err == nil then
    error(what .. ": no error")
  end
  if type(tostring(err)) ~= "string" or #tostring(err) == 0 then
    error(what .. ": empty error")
  end
end

local function main()
  fails("decode('{bad')", json.decode("{bad"))
  fails("decode('')", json.decode(""))
  fails("decode('[1,]')", json.decode("[1,]"))
  fails("encode(function)", json.encode(function() end))
  fails("encode(sparse)", json.encode({ [1] = 1, [5] = 5 }))
  fails("encode(mixed)", json.encode({ 1, 2, x = 3 }))
  local deep = {}
  local cur = deep
  for _ = 1, 200 do
    cur.next = {}
    cur = cur.next
  end
  fails("encode(200 levels deep)", json.encode(deep))
  return true
end

return { main = main }
