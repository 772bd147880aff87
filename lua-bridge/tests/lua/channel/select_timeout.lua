-- select over the inbox and a time.after timer: the timer wins when nothing comes;
-- a message wins when it is there.
local time = require("time")

local function main()
  local inbox = process.inbox()
  local start = time.now()
  local timeout = time.after("50ms")
  local r = channel.select { inbox:case_receive(), timeout:case_receive() }
  if r.channel ~= timeout then
    return false, "something other than the timer won"
  end
  local waited = time.now():sub(start):milliseconds()
  if waited < 45 then
    return false, "timer fired after " .. waited .. "ms"
  end
  process.send(process.pid(), "ping", 1)
  timeout = time.after("1s")
  r = channel.select { inbox:case_receive(), timeout:case_receive() }
  if r.channel ~= inbox or r.value:topic() ~= "ping" then
    return false, "the message did not win"
  end
  return true
end

return { main = main }
