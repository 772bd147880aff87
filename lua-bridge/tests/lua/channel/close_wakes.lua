-- Closing a channel wakes blocked receivers with nil, false, and blocked senders (a
-- send, or a select with a send case) with nil, err "send on closed channel", as the
-- original resumes them (a send on a channel closed already raises instead).
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
    local ok, r, err = pcall(ch2.send, ch2, 1)
    results.sender = { ok = ok, r = r, err = err }
  end)
  coroutine.spawn(function()
    local r, err = channel.select { ch2:case_send(2) }
    results.selector = { r = r, err = err }
  end)
  yield_a_few()
  ch2:close()
  yield_a_few()
  for _, who in ipairs({ "sender", "selector" }) do
    local got = results[who]
    if got == nil then
      return false, who .. " not woken by close"
    end
    if got.ok == false then
      return false, "blocked " .. who .. " raised: " .. tostring(got.r)
    end
    if got.r ~= nil or got.err == nil then
      return false, "blocked " .. who .. " got " .. tostring(got.r) .. ", " .. tostring(got.err)
    end
    if not tostring(got.err):find("send on closed channel", 1, true)
      or not got.err:message():find("send on closed channel", 1, true) then
      return false, "blocked " .. who .. " error: " .. tostring(got.err)
    end
  end
  -- A send on a channel closed already raises.
  local ok, err = pcall(ch2.send, ch2, 3)
  if ok or not tostring(err):find("send on closed channel", 1, true) then
    return false, "send after close: " .. tostring(ok) .. " " .. tostring(err)
  end
  return true
end

return { main = main }
