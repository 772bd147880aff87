-- A payload made with payload.new and sent is one payload: the receiver's
-- msg:payload():data() is the value (payload.new returns one value, not value and nil).
local function main()
  local inbox = process.inbox()
  process.send(process.pid(), "p", payload.new({ y = 2 }))
  local msg = inbox:receive()
  local p = msg:payload()
  if type(p) ~= "userdata" then
    return false, "msg:payload() is a " .. type(p) .. " (more than one payload arrived)"
  end
  if p:data().y ~= 2 then
    return false, "the value did not arrive"
  end
  return true
end

return { main = main }
