-- A process's `cancel` and the messages it sends reach the target in the order it did
-- them, also when they all wait for the target's same step (as in the original, whose
-- one mailbox holds both): message, CANCEL, message come out of a select over the
-- inbox and the events in that order, and so do CANCEL, message.

local receive = require("wait").receive

local function run(ready, got, sends)
  local pid = assert(process.spawn("test:mail_order_worker", "test:processes", process.pid()))
  if receive(ready) ~= pid then
    return nil, "worker reported a different pid"
  end
  -- All three while the worker sleeps: they wait for its next step together.
  for _, s in ipairs(sends) do
    if s == "cancel" then
      assert(process.cancel(pid, "r"))
    else
      assert(process.send(pid, s, true))
    end
  end
  return table.concat(receive(got, "5s"), ",")
end

local function main()
  local ready, got = process.listen("ready"), process.listen("got")
  local order, err = run(ready, got, { "first", "cancel", "second" })
  if order ~= "first,CANCEL:r,second" then
    return false, "message, cancel, message arrived as " .. tostring(order or err)
  end
  order, err = run(ready, got, { "cancel", "first", "second" })
  if order ~= "CANCEL:r,first,second" then
    return false, "cancel, message, message arrived as " .. tostring(order or err)
  end
  return true
end

return { main = main }
