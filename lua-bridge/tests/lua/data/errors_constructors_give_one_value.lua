-- `errors.new` and `errors.wrap` give one value, as the original declares, so an
-- error built in the argument list of `process.send` is one payload, not two.
local time = require("time")

local function main()
  if select("#", errors.new("x")) ~= 1 then
    return false, "errors.new gave " .. select("#", errors.new("x")) .. " values"
  end
  if select("#", errors.new({ message = "x", kind = errors.INVALID })) ~= 1 then
    return false, "errors.new with a table gave more than one value"
  end
  if select("#", errors.new(errors.new("x"))) ~= 1 then
    return false, "errors.new of an error gave more than one value"
  end
  if select("#", errors.wrap(errors.new("x"), "ctx")) ~= 1 then
    return false, "errors.wrap gave more than one value"
  end
  -- Bad arguments raise, as the original's argument checks do.
  local ok, err = pcall(errors.new, 42)
  if ok or not tostring(err):find("expected string or table") then
    return false, "errors.new(42) did not raise: " .. tostring(err)
  end

  process.send(process.pid(), "err", errors.new("boom"))
  local timeout = time.after("2s")
  local r = channel.select { process.inbox():case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "nothing arrived"
  end
  local p = r.value:payload()
  if type(p) ~= "userdata" then
    return false, "the message holds " .. type(p) .. " instead of one payload"
  end
  local e = p:data()
  if e == nil or e:message() ~= "boom" then
    return false, "the error did not arrive whole"
  end
  return true
end

return { main = main }
