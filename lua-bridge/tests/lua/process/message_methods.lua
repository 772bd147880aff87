-- Message objects: msg:topic(), msg:from() (the sender's pid), tostring(msg).

local receive = require("wait").receive

local function main()
  local inbox = process.inbox()
  process.send(process.pid(), "greeting", "hi")
  local msg = receive(inbox)
  if msg:topic() ~= "greeting" then
    return false, "topic: " .. tostring(msg:topic())
  end
  if msg:from() ~= process.pid() then
    return false, "from: " .. tostring(msg:from())
  end
  if tostring(msg) ~= "process.Message{topic=greeting}" then
    return false, "tostring: " .. tostring(msg)
  end
  local echo = process.spawn("test:echo_worker", "test:processes")
  process.send(echo, "x", 1)
  msg = receive(inbox)
  if msg:from() ~= echo then
    return false, "from of the echo: " .. tostring(msg:from())
  end
  process.send(echo, "stop")
  return true
end

return { main = main }
