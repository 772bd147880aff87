-- A buffered channel takes `size` values without a receiver; they come out in order.
local function main()
  local ch = channel.new(3)
  for i = 1, 3 do
    ch:send(i) -- would deadlock (no other coroutine) if it blocked
  end
  -- A 4th send blocks until there is room.
  local done = false
  coroutine.spawn(function()
    ch:send(4)
    done = true
  end)
  for _ = 1, 5 do
    coroutine.yield()
  end
  if done then
    return false, "4th send on a full channel did not block"
  end
  for i = 1, 4 do
    local v, ok = ch:receive()
    if v ~= i or not ok then
      return false, "got " .. tostring(v) .. " at " .. i
    end
  end
  for _ = 1, 5 do
    coroutine.yield()
  end
  if not done then
    return false, "blocked sender never finished"
  end
  return true
end

return { main = main }
