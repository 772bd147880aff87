-- Messages reach the inbox's receivers in the order they blocked, and only those routed
-- to the inbox: a listen opened while a receiver waits takes its topic, a value sent on
-- the inbox channel itself and a close reach the waiting receiver too.
local wait = require("wait")

local yield_a_few = wait.yield_a_few

local function main()
  local me = process.pid()
  local inbox = process.inbox()
  local got = {}
  local done = channel.new(10)
  local function receiver(name)
    coroutine.spawn(function()
      local m = inbox:receive()
      got[#got + 1] = name .. "=" .. m:payload():data()
      done:send(true)
    end)
    yield_a_few()
  end

  -- Two plain receivers and a select: served in the order they blocked.
  receiver("a")
  receiver("b")
  coroutine.spawn(function()
    local r = channel.select({ inbox:case_receive() })
    got[#got + 1] = "c=" .. r.value:payload():data()
    done:send(true)
  end)
  yield_a_few()
  for i = 1, 3 do
    process.send(me, "n", tostring(i))
  end
  for _ = 1, 3 do
    wait.receive(done)
  end
  if table.concat(got, " ") ~= "a=1 b=2 c=3" then
    return false, "order: " .. table.concat(got, " ")
  end

  -- A receiver waits on the inbox; a listen opened meanwhile takes its topic.
  got = {}
  receiver("d")
  local side = process.listen("side")
  process.send(me, "side", "s")
  process.send(me, "main", "m")
  local s = wait.receive(side)
  wait.receive(done)
  if s ~= "s" or got[1] ~= "d=m" then
    return false, "listen while waiting: side got " .. tostring(s) .. ", inbox receiver " .. tostring(got[1])
  end
  process.unlisten(side)

  -- A value sent on the inbox channel itself reaches a waiting receiver.
  local direct
  coroutine.spawn(function()
    direct = inbox:receive()
    done:send(true)
  end)
  yield_a_few()
  inbox:send("by hand")
  wait.receive(done)
  if direct ~= "by hand" then
    return false, "inbox:send to a waiting receiver: " .. tostring(direct)
  end
  return true
end

return { main = main }
