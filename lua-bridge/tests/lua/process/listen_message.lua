-- listen(topic, {message = true}) delivers Message objects.
local time = require("time")

local function main()
  local ch = process.listen("m", { message = true })
  process.send(process.pid(), "m", { v = 5 })
  local timeout = time.after("2s")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "nothing on listen('m')"
  end
  local msg = r.value
  if type(msg) ~= "userdata" then
    return false, "got a " .. type(msg)
  end
  if msg:topic() ~= "m" then
    return false, "topic " .. tostring(msg:topic())
  end
  if msg:from() ~= process.pid() then
    return false, "from " .. tostring(msg:from())
  end
  if msg:payload():data().v ~= 5 then
    return false, "payload"
  end
  return true
end

return { main = main }
