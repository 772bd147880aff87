-- Several producers, one consumer (fan-in) over a buffered channel; the consumer
-- gets every value exactly once, and each producer's values in order.
local function main()
  local ch = channel.new(4)
  local done = channel.new()
  local producers, per = 4, 25
  for p = 1, producers do
    coroutine.spawn(function()
      for i = 1, per do
        ch:send({ p = p, i = i })
      end
      done:send(p)
    end)
  end
  coroutine.spawn(function()
    for _ = 1, producers do
      done:receive()
    end
    ch:close()
  end)
  local last = {}
  local count = 0
  while true do
    local v, ok = ch:receive()
    if not ok then
      break
    end
    count = count + 1
    if (last[v.p] or 0) + 1 ~= v.i then
      return false, "producer " .. v.p .. " out of order: " .. v.i
    end
    last[v.p] = v.i
  end
  if count ~= producers * per then
    return false, "consumed " .. count .. " values"
  end
  return true
end

return { main = main }
