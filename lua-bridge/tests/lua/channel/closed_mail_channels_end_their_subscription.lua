-- A mail channel the script closes (a listen channel, the inbox, the events) takes
-- nothing more: receiving from it gives nil, false, and its subscription ends, as the
-- original ends it when it next fails to hand a value to the closed channel: the first
-- message (or event) waiting for it is dropped, later messages go where the routing
-- sends them now (a listened topic's to the inbox), and the next process.inbox() or
-- process.events() makes a fresh channel that gets what waits.
local wait = require("wait")

local function main()
  local me = process.pid()

  -- A listen channel: closed, it gets nothing; its topic falls back to the inbox.
  local inbox = process.inbox()
  local l = process.listen("tt")
  l:close()
  local v, ok = l:receive()
  if v ~= nil or ok ~= false then
    return false, "closed listen channel gave " .. tostring(v) .. ", " .. tostring(ok)
  end
  process.send(me, "tt", "after close")
  local msg = wait.try_receive(inbox, "1s")
  if msg == nil or msg:topic() ~= "tt" or msg:payload():data() ~= "after close" then
    return false, "the topic did not fall back to the inbox"
  end
  v, ok = l:receive()
  if v ~= nil or ok ~= false then
    return false, "closed listen channel later gave " .. tostring(v) .. ", " .. tostring(ok)
  end
  -- listen again: a fresh channel.
  local l2 = process.listen("tt")
  if l2 == l then
    return false, "listen after close gave the closed channel"
  end
  process.send(me, "tt", "to the new one")
  if wait.try_receive(l2, "1s") ~= "to the new one" then
    return false, "the new listen channel got nothing"
  end
  process.unlisten(l2)

  -- The inbox, with two messages waiting: the first is dropped, the second waits for
  -- the fresh inbox.
  process.send(me, "a", 1)
  process.send(me, "b", 2)
  coroutine.yield() -- let them arrive (they wait: the inbox is a rendezvous channel)
  inbox:close()
  v, ok = inbox:receive()
  if v ~= nil or ok ~= false then
    return false, "closed inbox gave " .. tostring(v) .. ", " .. tostring(ok)
  end
  local fresh = process.inbox()
  if fresh == inbox then
    return false, "process.inbox() after close gave the closed channel"
  end
  msg = wait.try_receive(fresh, "1s")
  if msg == nil or msg:topic() ~= "b" then
    return false, "fresh inbox got " .. (msg and msg:topic() or "nothing") .. " (want b; a is dropped)"
  end
  if process.inbox() ~= fresh then
    return false, "process.inbox() is not the same channel on every call"
  end

  -- The events: closed, no EXIT comes on it; a fresh events() channel gets it.
  local events = process.events()
  events:close()
  assert(process.spawn_monitored("test:return_worker", "test:processes", "nothing"))
  v, ok = events:receive()
  if v ~= nil or ok ~= false then
    return false, "closed events channel gave " .. tostring(v) .. ", " .. tostring(ok)
  end
  local ev = wait.try_receive(process.events(), "2s")
  if ev == nil or ev.kind ~= process.event.EXIT then
    return false, "fresh events channel got no EXIT"
  end
  return true
end

return { main = main }
