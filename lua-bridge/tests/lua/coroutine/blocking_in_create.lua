-- A blocking call inside a coroutine.create coroutine (not one the process runs) fails
-- with a clear error instead of suspending the wrong coroutine.
local function main()
  local ch = channel.new(1)
  local co = coroutine.create(function()
    return ch:receive()
  end)
  local ok, err = coroutine.resume(co)
  if ok or not tostring(err):find("coroutine.spawn", 1, true) then
    return false, "expected a clear error, got " .. tostring(ok) .. " " .. tostring(err)
  end
  -- Non-blocking work in such a coroutine is fine.
  local gen = coroutine.wrap(function() coroutine.yield(1) coroutine.yield(2) end)
  if gen() ~= 1 or gen() ~= 2 then
    return false, "coroutine.wrap generator broken"
  end
  return true
end

return { main = main }
