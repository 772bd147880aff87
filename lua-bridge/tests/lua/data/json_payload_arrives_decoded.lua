-- A payload held as JSON text leaves the process as its Lua value (the original
-- transcodes payloads to Lua on delivery): the receiver's data() is a table, and the
-- payload it gets is in lua/any. A text/plain payload arrives as its string.
local function main()
  local inbox = process.inbox()
  local j = assert(payload.new({ a = 1, list = { "x" } }):transcode(payload.format.JSON))
  process.send(process.pid(), "json", j)
  local p = inbox:receive():payload()
  if p:get_format() ~= payload.format.LUA then
    return false, "format on arrival: " .. tostring(p:get_format())
  end
  local data = p:data()
  if type(data) ~= "table" or data.a ~= 1 or data.list[1] ~= "x" then
    return false, "JSON payload arrived as " .. type(data) .. ": " .. tostring(data)
  end
  local s = assert(payload.new("plain"):transcode(payload.format.STRING))
  process.send(process.pid(), "text", s)
  local text = inbox:receive():payload():data()
  if text ~= "plain" then
    return false, "text payload arrived as " .. tostring(text)
  end
  return true
end

return { main = main }
