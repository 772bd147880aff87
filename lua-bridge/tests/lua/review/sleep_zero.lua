-- time.sleep with a zero duration ("0s", 0) returns at once without an error (only
-- timer, after and ticker reject d <= 0: reference §1.5).
local time = require("time")

local function main()
  for _, d in ipairs({ "0s", 0 }) do
    local called, r1, r2 = pcall(time.sleep, d)
    if not called then
      return false, "sleep(" .. tostring(d) .. ") raised: " .. tostring(r1)
    end
    if r2 ~= nil then
      return false, "sleep(" .. tostring(d) .. ") returned an error: " .. tostring(r2)
    end
  end
  return true
end

return { main = main }
