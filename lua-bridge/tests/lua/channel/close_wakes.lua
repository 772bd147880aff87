-- Closing a channel wakes blocked receivers with nil, false and makes blocked
-- senders raise "send on closed channel".
local yield_a_few = require("wait").yield_a_few

local function main()
  local ch = channel.new()
  local results = {}
  coroutine.spawn(function()
    local v, ok = ch:receive()
    results.receiver = { v = v, ok = ok }
  end)
  yield_a_few() -- let the receiver block
  ch:close()
  yield_a_few() -- let it wake
  if results.receiver == nil then
    return false, "receiver not woken by close"
  end
  if results.receiver.v ~= nil or results.receiver.ok ~= false then
    return false, "receiver got " .. tostring(results.receiver.v) .. ", " .. tostring(results.receiver.ok)
  end

  local ch2 = channel.new()
  coroutine.spawn(function()
    local ok, err = pcall(ch2.send, ch2, 1)
    results.sender = { ok = ok, err = tostring(err) }
  end)
  yield_a_few()
  ch2:close()
  yield_a_few()
  if results.sender == nil then
    return false, "sender not woken by close"
  end
  if results.sender.ok ~= false or not results.sender.err:find("send on closed channel", 1, true) then
    return false, "blocked sender: " .. tostring(results.sender.ok) .. " " .. results.sender.err
  end
  return true
end

return { main = main }
