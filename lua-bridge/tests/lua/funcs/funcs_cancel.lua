-- future:cancel() stops a running function: true, is_canceled, its channel gets an
-- error, and result() gives a CANCELED error; a finished future's cancel() is false.
local receive = require("wait").receive

local function main()
  local future = funcs.async("test:slow_fn", "5s", "never")
  if future:cancel() ~= true then
    return false, "cancel of a running function"
  end
  if not future:is_canceled() then
    return false, "not canceled"
  end
  -- The function stops at once (its 5 s sleep is not awaited).
  local got = receive(future:response(), "3s")
  if type(got) ~= "userdata" or got.kind == nil then
    return false, "the channel of a canceled call gave " .. tostring(got)
  end
  local value, err = future:result()
  if value ~= nil or err == nil or err:kind() ~= errors.CANCELED then
    return false, "result() after cancel: " .. tostring(value) .. ", " .. tostring(err)
  end

  local done = funcs.async("test:echo_fn", "x")
  receive(done:response())
  if done:cancel() ~= false or done:is_canceled() then
    return false, "cancel of a finished function"
  end
  return true
end

return { main = main }
