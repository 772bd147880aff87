-- A message a process sends itself is in its inbox (or its listen channel) when
-- `process.send` returns, as in the original, whose send hands the message over before
-- the call returns: a `select` with a default right after the send takes it.
local function take(ch)
  local r = channel.select { ch:case_receive(), default = true }
  if r.default then
    return nil
  end
  return r.value
end

local function main()
  local me = process.pid()
  local inbox = process.inbox()

  -- By PID: the results are `true, nil`, and the message is there at once.
  local n = select("#", process.send(me, "first", 1))
  if n ~= 2 then
    return false, "send returned " .. n .. " values"
  end
  local msg = take(inbox)
  if not msg or msg:topic() ~= "first" or msg:payload():data() ~= 1 then
    return false, "the message sent to the own PID was not in the inbox at once"
  end

  -- Several, in the order sent.
  for i = 1, 100 do
    assert(process.send(me, "many", i))
  end
  for i = 1, 100 do
    msg = take(inbox)
    if not msg or msg:payload():data() ~= i then
      return false, "message " .. i .. " of 100 sent to itself: " .. tostring(msg and msg:payload():data())
    end
  end
  if take(inbox) ~= nil then
    return false, "an extra message in the inbox"
  end

  -- By a registered name, and on a listened topic.
  assert(process.registry.register("self_sender"))
  local topic = process.listen("to_self")
  assert(process.send("self_sender", "to_self", "named"))
  local value = take(topic)
  if value ~= "named" then
    return false, "the message sent to the own name on a listened topic: " .. tostring(value)
  end

  -- A coroutine waiting on the inbox gets the message; the sender goes on first.
  local order = {}
  local done = channel.new(1)
  coroutine.spawn(function()
    local m = inbox:receive()
    table.insert(order, "received " .. tostring(m:payload():data()))
    done:send(true)
  end)
  assert(process.send(me, "to_waiter", "w"))
  table.insert(order, "sender")
  done:receive()
  if table.concat(order, ", ") ~= "sender, received w" then
    return false, "the order: " .. table.concat(order, ", ")
  end

  -- Inside a coroutine.wrap coroutine, the send does not yield: the message comes at
  -- the process's next wait, as any other.
  local wrapped = coroutine.wrap(function()
    return process.send(me, "from_wrap", "x")
  end)
  local ok, err = wrapped()
  if ok ~= true or err ~= nil then
    return false, "send inside coroutine.wrap: " .. tostring(ok) .. ", " .. tostring(err)
  end
  msg = wait.receive(inbox, "1s")
  if not msg or msg:payload():data() ~= "x" then
    return false, "the message sent from a coroutine.wrap coroutine did not arrive"
  end
  return true
end

return { main = main }
