-- Error objects survive being sent to another process (userdata other than errors
-- would become nil); the received payload is lua/any, as the original tags every
-- received payload.
local time = require("time")

local function main()
  local e = errors.new({ message = "boom", kind = errors.CONFLICT })
  local echo = assert(process.spawn("test:echo_worker", "test:processes"))
  process.send(echo, "err", e)
  local inbox = process.inbox()
  local timeout = time.after("2s")
  local r = channel.select { inbox:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no echo"
  end
  if r.value:payload():get_format() ~= payload.format.LUA then
    return false, "received error payload format: " .. r.value:payload():get_format()
  end
  local back = r.value:payload():data()
  if back == nil then
    return false, "error object became nil"
  end
  if back:message() ~= "boom" or back:kind() ~= errors.CONFLICT then
    return false, "error object changed"
  end
  process.send(echo, "stop")
  return true
end

return { main = main }
