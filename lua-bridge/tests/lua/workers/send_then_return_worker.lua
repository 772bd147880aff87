-- A coroutine waits on a channel; main sends to it and returns at once. As in the
-- original, main goes on first, so the process ends before the coroutine runs and
-- "ran" is never sent.
local function main(parent)
  local ch = channel.new()
  coroutine.spawn(function()
    local v = ch:receive()
    process.send(parent, "ran", v)
  end)
  local wait = require("wait")
  wait.yield_a_few()
  ch:send("x")
  return "returned"
end

return { main = main }
