-- A message's :topic(), :from() and tostring stay right however late they are asked:
-- after many other messages, on more distinct topics than a process keeps by index,
-- and from several senders.
local receive = require("wait").receive

local TOPICS = 40

local function main()
  local inbox = process.inbox()
  local me = process.pid()
  for i = 1, TOPICS do
    process.send(me, "topic" .. i, i)
  end
  local messages = {}
  for i = 1, TOPICS do
    messages[i] = receive(inbox)
  end
  local workers, replies = {}, {}
  for i = 1, 3 do
    workers[i] = process.spawn("test:echo_worker", "test:processes")
    process.send(workers[i], "x", i)
  end
  for _ = 1, 3 do
    local m = receive(inbox)
    replies[m:payload():data()] = m
  end
  for i = TOPICS, 1, -1 do
    local m = messages[i]
    if m:topic() ~= "topic" .. i then
      return false, "message " .. i .. " topic " .. tostring(m:topic())
    end
    if m:from() ~= me then
      return false, "message " .. i .. " from " .. tostring(m:from())
    end
    if m:payload():data() ~= i then
      return false, "message " .. i .. " payload"
    end
    if tostring(m) ~= "process.Message{topic=topic" .. i .. "}" then
      return false, "message " .. i .. " tostring " .. tostring(m)
    end
  end
  for i = 1, 3 do
    if replies[i]:from() ~= workers[i] or replies[i]:topic() ~= "echo" then
      return false, "reply " .. i .. " from " .. tostring(replies[i]:from())
    end
    process.send(workers[i], "stop")
  end
  return true
end

return { main = main }
