-- The deadlock check fires only when every coroutine is blocked "with nothing pending
-- and no subscriptions" (reference §1.4): a process that holds a listen subscription
-- (or the inbox) while main waits on a local channel is not failed as deadlocked; it
-- keeps waiting until it is terminated.
local try_receive = require("wait").try_receive

local function main(role)
  if role == "listen" then
    process.listen("something")
    channel.new():receive()
    return "unreachable"
  elseif role == "inbox" then
    process.inbox()
    channel.new():receive()
    return "unreachable"
  end
  local events = process.events()
  for _, r in ipairs({ "listen", "inbox" }) do
    local pid = assert(process.spawn_monitored(process.id(), "test:processes", r))
    local ev = try_receive(events, "300ms")
    if ev ~= nil then
      return false, r .. ": process ended: " ..
        tostring(ev.result.error and ev.result.error:message() or ev.result.value)
    end
    assert(process.terminate(pid))
    try_receive(events, "1s")
  end
  return true
end

return { main = main }
