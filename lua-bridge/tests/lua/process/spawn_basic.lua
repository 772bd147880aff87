-- process.spawn returns a pid string; the child runs (it answers a message).
local time = require("time")

local function main()
  local pid, err = process.spawn("test:echo_worker", "test:processes")
  if err ~= nil then
    return false, "spawn returned an error: " .. tostring(err)
  end
  if type(pid) ~= "string" then
    return false, "spawn returned " .. type(pid)
  end
  local ok, serr = process.send(pid, "ping", "hello")
  if ok ~= true then
    return false, "send failed: " .. tostring(serr)
  end
  local inbox = process.inbox()
  local timeout = time.after("2s")
  local r = channel.select { inbox:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no echo from the spawned process"
  end
  local msg = r.value
  if msg:topic() ~= "echo" or msg:payload():data() ~= "hello" then
    return false, "unexpected echo " .. msg:topic()
  end
  if msg:from() ~= pid then
    return false, "echo from " .. msg:from() .. ", expected " .. pid
  end
  process.send(pid, "stop")
  return true
end

return { main = main }
