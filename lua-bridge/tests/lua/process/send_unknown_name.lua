-- Sending to a name nobody registered returns nil, err "could not resolve: <name>".
local time = require("time")

local function main()
  time.sleep("20ms") -- settle: a new pid is published late (process/send_to_self_at_start)
  local ok, err = process.send("nobody_has_this_name", "t", 1)
  if ok ~= nil then
    return false, "send returned " .. tostring(ok)
  end
  if err == nil then
    return false, "no error"
  end
  local text = tostring(err)
  if not text:find("could not resolve", 1, true) or not text:find("nobody_has_this_name", 1, true) then
    return false, "error text: " .. text
  end
  return true
end

return { main = main }
