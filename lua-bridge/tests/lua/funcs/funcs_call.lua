-- funcs.call runs a function.lua entry (or a process.lua one) and returns its value and
-- nil; the function's EXIT never reaches events(), and calls from two coroutines run at
-- once.
local receive = require("wait").receive
local try_receive = require("wait").try_receive

local function main()
  local events = process.events()
  local v, err = funcs.call("test:echo_fn", "test input")
  if err ~= nil or type(v) ~= "table" or v.echo ~= "test input" or v.ok ~= true then
    return false, "call with an argument: " .. tostring(v) .. ", " .. tostring(err)
  end
  v, err = funcs.call("test:echo_fn")
  if err ~= nil or v.echo ~= "no input" then
    return false, "call without arguments: " .. tostring(v and v.echo) .. ", " .. tostring(err)
  end

  local results = channel.new(2)
  coroutine.spawn(function()
    local r = funcs.call("test:slow_fn", "50ms", "slow")
    results:send(r.value)
  end)
  coroutine.spawn(function()
    local r = funcs.call("test:slow_fn", "1ms", "fast")
    results:send(r.value)
  end)
  local first, second = receive(results), receive(results)
  if first ~= "fast" or second ~= "slow" then
    return false, "concurrent calls ended " .. tostring(first) .. ", " .. tostring(second)
  end

  -- A process entry called as a function: its result is the call's.
  v, err = funcs.call("test:normal_worker", { n = 7 })
  if err ~= nil or type(v) ~= "table" or v.n ~= 7 then
    return false, "a process called as a function: " .. tostring(v) .. ", " .. tostring(err)
  end

  local stray = try_receive(events, "100ms")
  if stray ~= nil then
    return false, "events() got " .. tostring(stray.kind) .. " from " .. tostring(stray.from)
  end
  return true
end

return { main = main }
