-- A listener gets its topic; the inbox gets every other topic.
local time = require("time")

local receive = require("wait").try_receive

local function main()
  local inbox = process.inbox()
  local a = process.listen("a")
  local me = process.pid()
  process.send(me, "a", 1)
  process.send(me, "b", 3)
  process.send(me, "a", 2)
  if receive(a) ~= 1 or receive(a) ~= 2 then
    return false, "listener did not get both 'a' messages in order"
  end
  local msg = receive(inbox)
  if msg == nil then
    return false, "inbox got nothing"
  end
  if msg:topic() ~= "b" or msg:payload():data() ~= 3 then
    return false, "inbox got topic " .. msg:topic()
  end
  -- Nothing else anywhere.
  local timeout = time.after("100ms")
  local r = channel.select { inbox:case_receive(), a:case_receive(), timeout:case_receive() }
  if r.channel ~= timeout then
    return false, "an extra message arrived"
  end
  return true
end

return { main = main }
