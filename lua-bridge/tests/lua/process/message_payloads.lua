-- msg:payload(): nil with no payloads, a Payload with one, a Lua array of Payloads
-- with several (each with :data()).
local time = require("time")

local function receive(ch)
  local timeout = time.after("2s")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    error("timeout")
  end
  return r.value
end

local function main()
  local inbox = process.inbox()
  local me = process.pid()

  process.send(me, "none")
  local msg = receive(inbox)
  if msg:payload() ~= nil then
    return false, "no payloads: payload() = " .. tostring(msg:payload())
  end

  process.send(me, "one", { x = 1 })
  msg = receive(inbox)
  local p = msg:payload()
  if type(p) ~= "userdata" then
    return false, "one payload: payload() is a " .. type(p)
  end
  local data = p:data()
  if type(data) ~= "table" or data.x ~= 1 then
    return false, "one payload: wrong data"
  end

  process.send(me, "many", "a", 2, { k = "v" })
  msg = receive(inbox)
  local list = msg:payload()
  if type(list) ~= "table" then
    return false, "several payloads: payload() is a " .. type(list)
  end
  if #list ~= 3 then
    return false, "several payloads: " .. #list .. " items"
  end
  if list[1]:data() ~= "a" or list[2]:data() ~= 2 or list[3]:data().k ~= "v" then
    return false, "several payloads: wrong data"
  end
  return true
end

return { main = main }
