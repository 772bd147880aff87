-- Closing a subscription with unread events drops them: none reaches the inbox, and a
-- new subscription gets its own events at once.
local receive = require("wait").receive
local try_receive = require("wait").try_receive

local function main()
  local inbox = process.inbox()
  local sub = events.subscribe("backlog.*")
  for i = 1, 500 do
    events.send("backlog.x", "k", "/" .. i)
  end
  -- Let the events arrive (they wait, unread) before the close.
  time.sleep("20ms")
  sub:close()
  events.send("backlog.x", "k", "/late")
  local stray = try_receive(inbox, "100ms")
  if stray ~= nil then
    return false, "the inbox got " .. tostring(stray:topic())
  end
  local fresh = events.subscribe("fresh.*")
  events.send("fresh.x", "k", "/one")
  local e = receive(fresh:channel())
  if e.path ~= "/one" then
    return false, "the new subscription got " .. tostring(e.path)
  end
  return true
end

return { main = main }
