-- A select blocked on receive cases is woken when one of its channels is closed: the
-- result names the closed channel, with value nil and ok false
-- (R tests/app/src/test/channel/select_spawn.lua).
local wait = require("wait")

local function main()
  local a = channel.new(0)
  local b = channel.new(0)
  local out = channel.new(1)
  coroutine.spawn(function()
    local r = channel.select { a:case_receive(), b:case_receive() }
    out:send({ which = (r.channel == a and "a") or (r.channel == b and "b") or "?", value = r.value, ok = r.ok })
  end)
  wait.yield_a_few()
  b:close()
  local r = wait.receive(out)
  if r.which ~= "b" then
    return false, "woke on " .. r.which
  end
  if r.value ~= nil or r.ok ~= false then
    return false, "value " .. tostring(r.value) .. ", ok " .. tostring(r.ok)
  end
  return true
end

return { main = main }
