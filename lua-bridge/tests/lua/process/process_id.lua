-- process.id() is the registry id of the running entry, "ns:name".
local time = require("time")

local function main()
  time.sleep("20ms") -- settle: a new pid is published late (process/send_to_self_at_start)
  local id, err = process.id()
  if err then
    return false, "process.id failed: " .. tostring(err)
  end
  if id ~= "test:process_id" then
    return false, "process.id() = " .. tostring(id)
  end
  return true
end

return { main = main }
