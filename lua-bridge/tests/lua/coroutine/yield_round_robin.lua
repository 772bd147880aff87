-- coroutine.yield() in spawned coroutines gives the others a turn (cooperative
-- scheduling, in spawn order).
local function main()
  local log = {}
  local done = channel.new(2)
  for _, name in ipairs({ "x", "y" }) do
    coroutine.spawn(function()
      for i = 1, 3 do
        table.insert(log, name .. i)
        coroutine.yield()
      end
      done:send(name)
    end)
  end
  done:receive()
  done:receive()
  local text = table.concat(log, " ")
  if text ~= "x1 y1 x2 y2 x3 y3" then
    return false, "order: " .. text
  end
  return true
end

return { main = main }
