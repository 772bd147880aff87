-- process.unlisten takes the inbox and the events channels too, as the original, whose
-- inbox and events are subscriptions: it closes the channel and returns true; nothing
-- waiting is lost, and the next process.inbox() / process.events() is a fresh channel
-- that gets what comes.
local wait = require("wait")

local function main()
  local me = process.pid()
  local inbox = process.inbox()
  process.send(me, "t", 1)
  if wait.receive(inbox):payload():data() ~= 1 then
    return false, "first message"
  end
  local ok, err = process.unlisten(inbox)
  if ok ~= true then
    return false, "unlisten(inbox): " .. tostring(ok) .. " " .. tostring(err)
  end
  local v, open = inbox:receive()
  if v ~= nil or open ~= false then
    return false, "the old inbox is not closed"
  end
  process.send(me, "t", 2)
  process.send(me, "t", 3)
  local fresh = process.inbox()
  if fresh == inbox then
    return false, "process.inbox() gave the closed channel"
  end
  local a = wait.receive(fresh):payload():data()
  local b = wait.receive(fresh):payload():data()
  if a ~= 2 or b ~= 3 then
    return false, "after unlisten: " .. tostring(a) .. ", " .. tostring(b)
  end

  local events = process.events()
  ok = process.unlisten(events)
  if ok ~= true then
    return false, "unlisten(events): " .. tostring(ok)
  end
  local pid = process.spawn_monitored("test:normal_worker", "test:processes")
  local fresh_events = process.events()
  local exit = wait.receive(fresh_events)
  if fresh_events == events or exit.kind ~= process.event.EXIT or exit.from ~= pid then
    return false, "events after unlisten: " .. tostring(exit.kind)
  end
  -- Twice is false, err, as for any channel no topic feeds.
  local again, again_err = process.unlisten(events)
  if again ~= false or again_err == nil then
    return false, "a second unlisten: " .. tostring(again)
  end
  return true
end

return { main = main }
