-- funcs.new() makes an executor; with_context returns a new one whose calls give the
-- function those context values, and the executor it came from is unchanged.
local function main()
  local plain = funcs.new()
  local exec = plain:with_context({ request_id = "r-42" })
  local v, err = exec:call("test:context_fn", "request_id")
  if err ~= nil or v.value ~= "r-42" then
    return false, "executor call: " .. tostring(v and v.value) .. ", " .. tostring(err)
  end
  v = plain:call("test:context_fn", "request_id")
  if v.value ~= nil then
    return false, "the first executor changed: " .. tostring(v.value)
  end
  local future = exec:async("test:context_fn", "request_id")
  local payload = require("wait").receive(future:response())
  if payload:data().value ~= "r-42" then
    return false, "executor async: " .. tostring(payload:data().value)
  end
  v, err = exec:call("")
  if v ~= nil or err == nil or err:kind() ~= errors.INVALID then
    return false, "executor call with a bad id"
  end
  return true
end

return { main = main }
