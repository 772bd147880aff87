-- An unbuffered channel hands values between coroutines; a send blocks until a
-- receiver takes the value (rendezvous).
local function main()
  local ch = channel.new()
  local sent = 0
  coroutine.spawn(function()
    for i = 1, 3 do
      local ok = ch:send(i)
      if ok ~= true then
        error("send returned " .. tostring(ok))
      end
      sent = i
    end
  end)
  -- Nobody receives yet: the sender stays blocked however often we yield.
  for _ = 1, 5 do
    coroutine.yield()
  end
  if sent ~= 0 then
    return false, "send completed without a receiver"
  end
  for i = 1, 3 do
    local v, ok = ch:receive()
    if v ~= i or ok ~= true then
      return false, "received " .. tostring(v) .. ", " .. tostring(ok)
    end
  end
  for _ = 1, 5 do
    coroutine.yield()
  end
  if sent ~= 3 then
    return false, "sender finished only " .. sent .. " sends"
  end
  return true
end

return { main = main }
