-- A channel operation that completes other coroutines' waits yields the caller, and
-- the coroutines then run in the order of the original's channel results: after a
-- send to a waiting receiver or a receive from a waiting sender, the caller, then the
-- one it met; after a close, the coroutines it woke, then the caller. Both go after
-- what was ready already.
local yield_a_few = require("wait").yield_a_few

local function run(setup)
  local log = {}
  local function say(s) log[#log + 1] = s end
  setup(say)
  return table.concat(log, ",")
end

local function main()
  -- Two receivers waiting on a one-slot channel; main sends twice.
  local got = run(function(say)
    local ch = channel.new(1)
    for i = 1, 2 do
      coroutine.spawn(function()
        local v = ch:receive()
        say("r" .. v)
      end)
    end
    yield_a_few()
    say("s1")
    ch:send(1)
    say("s2")
    ch:send(2)
    say("done")
    yield_a_few()
  end)
  if got ~= "s1,s2,r1,done,r2" then
    return false, "sends: " .. got
  end

  -- Three receivers waiting on an unbuffered channel; main closes it.
  got = run(function(say)
    local ch = channel.new()
    for i = 1, 3 do
      coroutine.spawn(function()
        local _, ok = ch:receive()
        say("w" .. i .. tostring(ok))
      end)
    end
    yield_a_few()
    ch:close()
    say("closed")
    yield_a_few()
  end)
  if got ~= "w1false,w2false,w3false,closed" then
    return false, "close: " .. got
  end

  -- A receive that takes a waiting sender's value goes on before the sender; a select
  -- that meets a waiting sender too, and its result is whole.
  got = run(function(say)
    local ch = channel.new()
    coroutine.spawn(function()
      ch:send("a")
      say("sent a")
      ch:send("b")
      say("sent b")
    end)
    yield_a_few()
    local v = ch:receive()
    say("got " .. v)
    local r = channel.select { ch:case_receive() }
    say("selected " .. r.value .. " " .. tostring(r.ok) .. " " .. tostring(r.channel == ch))
    yield_a_few()
  end)
  if got ~= "got a,sent a,sent b,selected b true true" then
    return false, "receives: " .. got
  end

  -- Where the caller cannot yield (inside coroutine.wrap), it goes on at once.
  got = run(function(say)
    local ch = channel.new(1)
    coroutine.spawn(function()
      say("r" .. ch:receive())
    end)
    yield_a_few()
    coroutine.wrap(function()
      ch:send(1)
      say("sent in wrap")
    end)()
    yield_a_few()
  end)
  if got ~= "sent in wrap,r1" then
    return false, "wrap: " .. got
  end
  return true
end

return { main = main }

-- (The original: runtime/lua/engine/channel.go puts the caller's update first in a
-- handoff's result, and the woken ones before the caller's in a close's;
-- engine/process.go resumes them in that order.)
