-- A pool of coroutines pulling jobs from one channel and pushing results to another
-- (the in-process form of the docs' worker pool).
local time = require("time")

local function main()
  local jobs = channel.new(10)
  local results = channel.new(10)
  for w = 1, 4 do
    coroutine.spawn(function()
      while true do
        local job, ok = jobs:receive()
        if not ok then
          return
        end
        time.sleep("1ms")
        results:send({ worker = w, square = job * job })
      end
    end)
  end
  coroutine.spawn(function()
    for i = 1, 40 do
      jobs:send(i)
    end
    jobs:close()
  end)
  local sum, by_worker = 0, {}
  for _ = 1, 40 do
    local r = results:receive()
    sum = sum + r.square
    by_worker[r.worker] = true
  end
  if sum ~= 22140 then
    return false, "sum of squares " .. sum
  end
  local workers = 0
  for _ in pairs(by_worker) do workers = workers + 1 end
  if workers < 2 then
    return false, "only " .. workers .. " pool worker(s) did work"
  end
  return true
end

return { main = main }
