-- subscribe(topic, ch) attaches a channel of the script's own: it gets messages queued
-- before it came, as raw values; a topic takes one channel, a fed channel no topic;
-- unsubscribe(ch) detaches and closes it, once.
local wait = require("wait")

local function main()
  local me = process.pid()
  -- Sent before anything subscribes (and with no inbox): the message waits.
  process.send(me, "late", "queued first")
  local ch = channel.new(4)
  if subscribe("late", ch) ~= ch then
    return false, "subscribe did not return the channel"
  end
  if subscribe("late", ch) ~= ch then
    return false, "subscribing the same pair again"
  end
  local first = wait.receive(ch)
  if first ~= "queued first" then
    return false, "queued message: " .. tostring(first)
  end
  process.send(me, "late", { n = 2 })
  local second = wait.receive(ch)
  if type(second) ~= "table" or second.n ~= 2 then
    return false, "raw value: " .. tostring(second)
  end

  -- One channel per topic; a fed channel takes no topic.
  local other = channel.new(1)
  local none, err = subscribe("late", other)
  if none ~= nil or err == nil or err:kind() ~= errors.ALREADY_EXISTS
    or not tostring(err):find("already subscribed", 1, true) then
    return false, "second channel on a topic: " .. tostring(none) .. ", " .. tostring(err)
  end
  none, err = subscribe("inbox topic", process.inbox())
  if none ~= nil or err == nil then
    return false, "the inbox took a topic"
  end
  if pcall(subscribe, "t", "not a channel") then
    return false, "subscribe to a string did not raise"
  end

  -- Detach once; the channel is closed, and the topic falls back to the inbox.
  local ok = unsubscribe(ch)
  if ok ~= true then
    return false, "unsubscribe returned " .. tostring(ok)
  end
  local v, open = ch:receive()
  if v ~= nil or open ~= false then
    return false, "the unsubscribed channel is not closed"
  end
  local again, why = unsubscribe(ch)
  if again ~= false or why == nil or why:kind() ~= errors.NOT_FOUND
    or not tostring(why):find("channel not found", 1, true) then
    return false, "second unsubscribe: " .. tostring(again) .. ", " .. tostring(why)
  end
  process.send(me, "late", "to the inbox")
  local msg = wait.receive(process.inbox())
  if msg:topic() ~= "late" or msg:payload():data() ~= "to the inbox" then
    return false, "after unsubscribe: " .. tostring(msg:topic())
  end

  -- A listen channel detaches the same way.
  local listened = process.listen("listened")
  if unsubscribe(listened) ~= true then
    return false, "unsubscribe of a listen channel"
  end
  return true
end

return { main = main }
