-- The globals subscribe(topic, ch) and unsubscribe(ch) attach a channel of your own to
-- a process topic (and detach it).
local time = require("time")

local function main()
  if type(subscribe) ~= "function" or type(unsubscribe) ~= "function" then
    return false, "subscribe / unsubscribe globals are missing"
  end
  local ch = channel.new(4)
  subscribe("sub_topic", ch)
  process.send(process.pid(), "sub_topic", "hello")
  local timeout = time.after("2s")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  if r.channel ~= ch then
    return false, "nothing on the subscribed channel"
  end
  unsubscribe(ch)
  process.send(process.pid(), "sub_topic", "after")
  local msg = process.inbox():receive()
  if msg:topic() ~= "sub_topic" then
    return false, "message after unsubscribe did not reach the inbox"
  end
  return true
end

return { main = main }
