-- Bad input gives nil, err instead of raising: malformed JSON, tables JSON cannot hold
-- (sparse, mixed, too deep, cyclic). Values with no JSON form are written as the
-- original's encoder writes them: functions, userdata, NaN and infinities as null,
-- errors as their text, boolean and float keys as their text.
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
  local cyclic = {}
  cyclic.self = cyclic
  fails("encode(cyclic)", json.encode(cyclic))
  for _, case in ipairs({
    { function() end, "null" },
    { 0 / 0, "null" },
    { { x = -1 / 0, f = print, c = channel.new() }, "{\"c\":null,\"f\":null,\"x\":null}" },
    { { e = errors.new("boom") }, "{\"e\":\"boom\"}" },
    { { [true] = "a", [1.5] = "b", [0] = "c" }, "{\"0\":\"c\",\"1.5\":\"b\",\"true\":\"a\"}" },
  }) do
    local text, err = json.encode(case[1])
    if text ~= case[2] then
      error("encode gave " .. tostring(text) .. " (" .. tostring(err) .. "), not " .. case[2])
    end
  end
  fails("encode(sparse)", json.encode({ [1] = 1, [5] = 5 }))
  fails("encode(mixed)", json.encode({ 1, 2, x = 3 }))
  -- A key of 0 beside positive ones: the error names what is there (it said "string keys").
  local _, err = json.encode({ [0] = "z", [1] = "a" })
  if not tostring(err):find("both positive integer keys and other keys", 1, true) then
    error("encode({[0]=..., [1]=...}): " .. tostring(err))
  end
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
