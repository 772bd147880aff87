-- A decoded empty object encodes back as `{}` while it stays empty, also after a trip
-- through a message (as the original's decoded tables do); a table made in Lua that is
-- empty is still `[]`, and a decoded `{}` that gains items is encoded by its items.
local json = require("json")
local time = require("time")

local function main()
  local text = json.encode((json.decode('{"x":{},"y":[],"z":{"a":{}}}')))
  if text ~= '{"x":{},"y":[],"z":{"a":{}}}' then
    return false, "round trip gave " .. text
  end
  if json.encode({}) ~= "[]" then
    return false, "an empty Lua table encoded as " .. json.encode({})
  end
  local grown = json.decode("{}")
  grown[1] = 5
  if json.encode(grown) ~= "[5]" then
    return false, "a decoded {} with an item encoded as " .. json.encode(grown)
  end

  process.send(process.pid(), "obj", (json.decode('{"e":{}}')))
  local timeout = time.after("2s")
  local r = channel.select { process.inbox():case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "nothing arrived"
  end
  local got = json.encode(r.value:payload():data())
  if got ~= '{"e":{}}' then
    return false, "after a message: " .. got
  end
  return true
end

return { main = main }
