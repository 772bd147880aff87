-- time.sleep with a bad duration returns nil, err (kind INVALID) instead of raising, as
-- every call that can fail does (reference §1.1; the original's sleepFunc); a negative
-- duration sleeps 0, as there.
local time = require("time")

local function main()
  for _, d in ipairs({ "bogus", "5 parsecs" }) do
    local called, r1, r2 = pcall(time.sleep, d)
    if not called then
      return false, "sleep(" .. d .. ") raised: " .. tostring(r1)
    end
    if r1 ~= nil or r2 == nil then
      return false, "sleep(" .. d .. ") returned " .. tostring(r1) .. ", " .. tostring(r2)
    end
    if r2:kind() ~= errors.INVALID or not tostring(r2):find("time.sleep", 1, true) then
      return false, "error of sleep(" .. d .. "): " .. tostring(r2:kind()) .. " " .. tostring(r2)
    end
  end
  local n1, n2 = time.sleep(-5)
  if n2 ~= nil then return false, "sleep(-5) returned an error: " .. tostring(n2) end
  n1, n2 = time.sleep("-1s")
  if n2 ~= nil then return false, "sleep('-1s') returned an error: " .. tostring(n2) end
  local r1, r2 = time.sleep({})
  if r1 ~= nil or r2 == nil or r2:kind() ~= errors.INVALID then
    return false, "sleep({}) returned " .. tostring(r1) .. ", " .. tostring(r2)
  end
  return true
end

return { main = main }
