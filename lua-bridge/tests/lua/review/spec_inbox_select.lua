-- The spec's "Receiving via Inbox" loop: a select over listen("specific_topic") and the
-- inbox; "specific_topic" messages arrive as raw values on the listen channel, any other
-- topic arrives on the inbox as a message whose fields the example prints
-- (`print("Inbox got:", msg.topic, msg.payload)`; processes-and-messaging.txt).
local function main()
  local inbox_ch = process.inbox()
  local specific_ch = process.listen("specific_topic")
  process.send(process.pid(), "other", "o1")
  process.send(process.pid(), "specific_topic", "s1")
  process.send(process.pid(), "another", "o2")
  local got = {}
  for _ = 1, 3 do
    local result = channel.select({
      specific_ch:case_receive(),
      inbox_ch:case_receive()
    })
    if result.channel == specific_ch then
      local payload = result.value
      got[#got + 1] = "S:" .. tostring(payload)
    elseif result.channel == inbox_ch then
      local msg = result.value
      print("Inbox got:", msg.topic, msg.payload)
      got[#got + 1] = "I:" .. msg:topic() .. "=" .. tostring(msg:payload():data())
    end
  end
  table.sort(got)
  local s = table.concat(got, ",")
  if s ~= "I:another=o2,I:other=o1,S:s1" then
    return false, "got " .. s
  end
  return true
end

return { main = main }
