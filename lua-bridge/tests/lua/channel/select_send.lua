-- A send case: the result names the channel and carries the value sent.
local function main()
  local ch = channel.new(1)
  local r = channel.select { ch:case_send(42) }
  if r.channel ~= ch or r.value ~= 42 or r.ok ~= true then
    return false, "send case result: " .. tostring(r.value) .. ", " .. tostring(r.ok)
  end
  if ch:receive() ~= 42 then
    return false, "value not in the channel"
  end
  -- A blocked send case completes when a receiver comes.
  local unbuffered = channel.new()
  local got
  coroutine.spawn(function()
    got = unbuffered:receive()
  end)
  r = channel.select { unbuffered:case_send("hello") }
  if r.channel ~= unbuffered or r.value ~= "hello" then
    return false, "blocked send case result"
  end
  coroutine.yield()
  if got ~= "hello" then
    return false, "receiver got " .. tostring(got)
  end
  -- Mixed: the receive case is ready first.
  local src = channel.new(1)
  src:send("in")
  local dst = channel.new()
  r = channel.select { dst:case_send("out"), src:case_receive() }
  if r.channel ~= src or r.value ~= "in" then
    return false, "mixed select took the wrong case"
  end
  return true
end

return { main = main }
