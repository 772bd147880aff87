-- Topics starting with "@" are reserved: send returns nil, err and nothing arrives.
local time = require("time")

local function main()
  local inbox = process.inbox()
  local ok, err = process.send(process.pid(), "@pid/events", "forged")
  if ok ~= nil or err == nil then
    return false, "send with an @ topic was accepted"
  end
  -- The original's exact text (its TestSend_AtTopicRejected compares it).
  if tostring(err) ~= "cannot send to @ topics" or err:kind() ~= errors.INVALID then
    return false, "the error: " .. tostring(err)
  end
  ok, err = process.send(process.pid(), "@anything", 1)
  if ok ~= nil or err == nil then
    return false, "send with @anything was accepted"
  end
  local timeout = time.after("100ms")
  local r = channel.select { inbox:case_receive(), timeout:case_receive() }
  if r.channel ~= timeout then
    return false, "a message with a reserved topic arrived: " .. tostring(r.value)
  end
  -- listen on a reserved topic is refused too (raises or returns nil).
  local lok, ch = pcall(process.listen, "@pid/events")
  if lok and ch ~= nil then
    return false, "listen on an @ topic returned a channel"
  end
  return true
end

return { main = main }
