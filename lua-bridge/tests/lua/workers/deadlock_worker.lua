-- Blocks forever on process-local channels. mode "main": main receives from a channel
-- nobody sends to; mode "pair": main and a coroutine each wait for the other.
local function main(mode)
  local a = channel.new()
  if mode == "pair" then
    local b = channel.new()
    coroutine.spawn(function()
      b:receive()
      a:send(1)
    end)
    a:receive()
    b:send(1)
  else
    a:receive()
  end
  return "not reached"
end

return { main = main }
