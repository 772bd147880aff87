-- events.subscribe(system [, kind]) receives, on one channel, the events whose system
-- (and kind) match, as {system, kind, path, data}, in order, from this process and from
-- others; close() ends the subscription and closes the channel.
local receive = require("wait").receive
local try_receive = require("wait").try_receive

local function main()
  local sub, err = events.subscribe("test.*")
  if sub == nil or err ~= nil then
    return false, "subscribe: " .. tostring(err)
  end
  local ch = sub:channel()
  if sub:channel() ~= ch then
    return false, "channel() is not one channel"
  end
  local only_created = events.subscribe("test.*", "user.created")

  if events.send("test.match", "user.created", "/matched") ~= true then
    return false, "send did not return true"
  end
  events.send("other.nomatch", "user.created", "/notmatched")
  events.send("test.also", "user.deleted", "/alsomatched", { n = 42, nested = { a = 1 } })

  local first, second = receive(ch), receive(ch)
  if first.system ~= "test.match" or first.kind ~= "user.created" or first.path ~= "/matched"
      or first.data ~= nil then
    return false, "first event: " .. tostring(first.path)
  end
  if second.path ~= "/alsomatched" or second.data.n ~= 42 or second.data.nested.a ~= 1 then
    return false, "second event: " .. tostring(second.path)
  end
  local filtered = receive(only_created:channel())
  if filtered.path ~= "/matched" or try_receive(only_created:channel(), "50ms") ~= nil then
    return false, "the kind filter let through " .. tostring(filtered.path)
  end

  -- From another process.
  process.spawn("test:event_sender_worker", "test:processes", "test.remote", "k", "/remote", "x")
  local remote = receive(ch)
  if remote.system ~= "test.remote" or remote.data ~= "x" then
    return false, "event from another process: " .. tostring(remote.system)
  end

  -- close(): the channel closes and nothing more arrives.
  if sub:close() ~= true or sub:close() ~= true then
    return false, "close() did not return true"
  end
  events.send("test.late", "k", "/late")
  local v, ok = ch:receive()
  if v ~= nil or ok ~= false then
    return false, "the closed subscription's channel gave " .. tostring(v)
  end
  return true
end

return { main = main }
