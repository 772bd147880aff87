-- listen(topic) delivers the raw payload value by default (no Message methods).
local time = require("time")

local function main()
  local ch = process.listen("data")
  process.send(process.pid(), "data", { x = 1, nested = { y = "z" } })
  process.send(process.pid(), "data", "plain")
  process.send(process.pid(), "data", 7)
  local timeout = time.after("2s")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "nothing on listen('data')"
  end
  local v = r.value
  if type(v) ~= "table" then
    return false, "listen delivered a " .. type(v)
  end
  if v.x ~= 1 or v.nested.y ~= "z" then
    return false, "wrong table"
  end
  if rawget(v, "topic") ~= nil or getmetatable(v) ~= nil then
    return false, "raw value looks like a message"
  end
  if ch:receive() ~= "plain" then
    return false, "second value"
  end
  local n, ok = ch:receive()
  if n ~= 7 or ok ~= true then
    return false, "third value"
  end
  return true
end

return { main = main }
