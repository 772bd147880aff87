-- funcs.async returns a Future at once; its channel (the same on every call) receives
-- the result once as a payload object, or the function's error; is_complete, result and
-- error report the end.
local receive = require("wait").receive

local function main()
  local future, err = funcs.async("test:slow_fn", "30ms", "later")
  if future == nil or err ~= nil then
    return false, "async: " .. tostring(err)
  end
  if future:is_complete() ~= false then
    return false, "complete at once"
  end
  local value, rerr = future:result()
  if value ~= nil or rerr ~= nil then
    return false, "result() before the end: " .. tostring(value) .. ", " .. tostring(rerr)
  end
  local ferr, failed = future:error()
  if ferr ~= nil or failed ~= false then
    return false, "error() before the end"
  end
  if future:response() ~= future:channel() or future:channel() ~= future:channel() then
    return false, "response() and channel() are not one channel"
  end

  local payload = receive(future:response())
  if payload:data().value ~= "later" or payload:data().delayed ~= true then
    return false, "the channel gave " .. tostring(payload)
  end
  if not future:is_complete() then
    return false, "not complete after its value came"
  end
  value, rerr = future:result()
  if rerr ~= nil or value == nil or value:data().value ~= "later" then
    return false, "result() after the end: " .. tostring(value) .. ", " .. tostring(rerr)
  end
  ferr, failed = future:error()
  if ferr ~= nil or failed ~= false then
    return false, "error() of a success"
  end

  -- Futures in a select: the faster one is ready first.
  local slow = funcs.async("test:slow_fn", "300ms", "slow")
  local fast = funcs.async("test:slow_fn", "1ms", "fast")
  local r = channel.select { slow:channel():case_receive(), fast:channel():case_receive() }
  if r.channel ~= fast:channel() or r.value:data().value ~= "fast" then
    return false, "select over futures"
  end

  -- A failing function: its error on the channel, and in result() and error().
  local failing = funcs.async("test:kind_error_fn", errors.INTERNAL, "internal failure")
  local got = receive(failing:response())
  if type(got) ~= "userdata" or got:kind() ~= errors.INTERNAL then
    return false, "the channel of a failure gave " .. tostring(got)
  end
  value, rerr = failing:result()
  if value ~= nil or rerr == nil or rerr:kind() ~= errors.INTERNAL then
    return false, "result() of a failure: " .. tostring(value) .. ", " .. tostring(rerr)
  end
  ferr, failed = failing:error()
  if failed ~= true or ferr == nil then
    return false, "error() of a failure"
  end
  -- error() wraps the failure as the original's does: "async call failed", Internal
  -- and not retryable whatever the function's kind (result() keeps the kind).
  local not_found = funcs.async("test:kind_error_fn", errors.NOT_FOUND, "no such thing")
  receive(not_found:response())
  value, rerr = not_found:result()
  if rerr == nil or rerr:kind() ~= errors.NOT_FOUND then
    return false, "result() of a NotFound failure: " .. tostring(rerr)
  end
  ferr, failed = not_found:error()
  if failed ~= true or ferr == nil or ferr:kind() ~= errors.INTERNAL or ferr:retryable() ~= false
    or tostring(ferr) ~= "async call failed: no such thing" then
    return false, "error() of a NotFound failure: " .. tostring(ferr) .. " (" .. tostring(ferr and ferr:kind()) .. ")"
  end

  -- Bad ids: nil, err without a future.
  local none, bad = funcs.async("nonamespace")
  if none ~= nil or bad == nil or bad:kind() ~= errors.INVALID then
    return false, "async with a bad id: " .. tostring(none) .. ", " .. tostring(bad)
  end
  return true
end

return { main = main }
