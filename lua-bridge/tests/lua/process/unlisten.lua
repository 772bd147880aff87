-- After unlisten(ch), messages on that topic go to the inbox; listening again works.
-- unlisten returns true, and `false, err` (NotFound) for a channel it already detached.

local receive = require("wait").try_receive

local function main()
  local inbox = process.inbox()
  local ch = process.listen("t")
  process.send(process.pid(), "t", 1)
  if receive(ch) ~= 1 then
    return false, "listener did not get the first message"
  end
  local detached, none = process.unlisten(ch)
  if detached ~= true or none ~= nil then
    return false, "unlisten returned " .. tostring(detached) .. ", " .. tostring(none)
  end
  local again_ok, again_err = process.unlisten(ch)
  if again_ok ~= false or not again_err or again_err:kind() ~= errors.NOT_FOUND then
    return false, "a second unlisten returned " .. tostring(again_ok) .. ", " .. tostring(again_err)
  end
  process.send(process.pid(), "t", 2)
  local msg = receive(inbox)
  if msg == nil then
    return false, "message after unlisten did not reach the inbox"
  end
  if msg:topic() ~= "t" or msg:payload():data() ~= 2 then
    return false, "inbox got the wrong message"
  end
  local again = process.listen("t")
  process.send(process.pid(), "t", 3)
  if receive(again) ~= 3 then
    return false, "listening again did not work"
  end
  return true
end

return { main = main }
