-- Messages that arrive before any subscription stay queued, in order, and are
-- delivered once a listener (or the inbox) appears.
local time = require("time")

local receive = require("wait").try_receive

local function main()
  local me = process.pid()
  process.send(me, "late", 1)
  process.send(me, "other", "x")
  process.send(me, "late", 2)
  time.sleep("50ms") -- let them arrive with nobody subscribed
  local late = process.listen("late")
  if receive(late) ~= 1 or receive(late) ~= 2 then
    return false, "queued 'late' messages not delivered in order"
  end
  local inbox = process.inbox()
  local msg = receive(inbox)
  if msg == nil or msg:topic() ~= "other" then
    return false, "queued 'other' message not delivered to the inbox"
  end
  return true
end

return { main = main }
