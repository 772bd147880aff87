-- A select over events() and the inbox (or a listen channel) takes a process's message
-- before its EXIT, whichever case comes first, as the original's mailbox hands mail
-- over in arrival order; both waiting in the select and both queued before it. A user
-- channel holding a value is still taken first in case order.
local time = require("time")

local function expect_message_then_exit(first, second, events, source, i, how)
  local r = channel.select { first:case_receive(), second:case_receive() }
  if r.channel == events then
    return false, how .. " " .. i .. ": EXIT came before the message"
  end
  local value = r.channel == source and r.value
  if type(value) ~= "number" and value then
    value = value:payload():data()
  end
  if value ~= i then
    return false, how .. " " .. i .. ": got " .. tostring(value)
  end
  r = channel.select { first:case_receive(), second:case_receive() }
  if r.channel ~= events or r.value.kind ~= process.event.EXIT then
    return false, how .. " " .. i .. ": no EXIT after the message"
  end
  return true
end

local function main()
  local events = process.events()
  local inbox = process.inbox()
  local results = process.listen("result2")
  for _, case in ipairs({
    { events, inbox, inbox, nil },
    { inbox, events, inbox, nil },
    { events, results, results, "result2" },
  }) do
    local first, second, source, topic = case[1], case[2], case[3], case[4]
    -- Waiting in the select when both arrive.
    for i = 1, 100 do
      assert(process.spawn_monitored("test:send_and_return_worker", "test:processes", process.pid(), i, topic))
      local ok, err = expect_message_then_exit(first, second, events, source, i, "waiting")
      if not ok then return false, err end
    end
    -- Both queued before the select.
    for i = 1, 20 do
      assert(process.spawn_monitored("test:send_and_return_worker", "test:processes", process.pid(), i, topic))
      time.sleep("20ms")
      local ok, err = expect_message_then_exit(first, second, events, source, i, "queued")
      if not ok then return false, err end
    end
  end
  -- A user channel with a value, listed first, is taken before queued mail.
  local user = channel.new(1)
  user:send("user")
  assert(process.spawn_monitored("test:send_and_return_worker", "test:processes", process.pid(), 1))
  time.sleep("20ms")
  local r = channel.select { user:case_receive(), events:case_receive(), inbox:case_receive() }
  if r.channel ~= user then
    return false, "a ready user channel listed first was not taken first"
  end
  r = channel.select { events:case_receive(), inbox:case_receive() }
  if r.channel ~= inbox then
    return false, "the message did not come before the EXIT after a user case"
  end
  return true
end

return { main = main }
