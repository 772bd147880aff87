-- payload.new(v):data() returns a copy of v; formats are exposed.
local function main()
  local original = { a = { b = 1 }, list = { "x" } }
  local p, err = payload.new(original)
  if p == nil then
    return false, "payload.new failed: " .. tostring(err)
  end
  local data = p:data()
  if data.a.b ~= 1 or data.list[1] ~= "x" then
    return false, "data changed"
  end
  original.a.b = 2
  if p:data().a.b ~= 1 then
    return false, "payload shares the table"
  end
  if payload.new("text"):data() ~= "text" or payload.new(12):data() ~= 12 then
    return false, "scalars"
  end
  if payload.format.JSON ~= "json/plain" or payload.format.LUA ~= "lua/any" then
    return false, "format constants"
  end
  if type(p:get_format()) ~= "string" then
    return false, "get_format"
  end
  return true
end

return { main = main }
