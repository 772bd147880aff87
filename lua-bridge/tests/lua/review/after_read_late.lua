-- time.after's channel has buffer 1 (reference §1.5): a value fired while nobody was
-- reading stays there; a later non-blocking select gets it.
local time = require("time")

local function main()
  local ch = time.after("10ms")
  time.sleep("60ms")
  local r = channel.select { ch:case_receive(), default = true }
  if r.default then
    return false, "the fired value was not kept"
  end
  if type(r.value) ~= "userdata" then
    return false, "got a " .. type(r.value)
  end
  return true
end

return { main = main }
