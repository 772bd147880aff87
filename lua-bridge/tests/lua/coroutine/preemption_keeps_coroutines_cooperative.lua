-- Within a process, coroutines switch only where they block or yield (reference §1.4),
-- preemption or not: two coroutines that each add to a shared upvalue millions of times,
-- preempted many times over, lose no update, because a preempted coroutine goes on
-- before its process's other coroutines (session 52's chaos probe found one in two
-- updates lost when the other ran in between a read and its write).
local function main()
  local n = 0
  local done = channel.new(2)
  local per_coroutine = 2000000
  for _ = 1, 2 do
    coroutine.spawn(function()
      for _ = 1, per_coroutine do
        n = n + 1
      end
      done:send(true)
    end)
  end
  done:receive()
  done:receive()
  if n ~= 2 * per_coroutine then
    return false, "lost updates: " .. n .. " of " .. 2 * per_coroutine
  end
  return true
end

return { main = main }
