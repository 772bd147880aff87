-- time.parse(layout, text) and t:format(layout) with Go layouts (§1.5; R
-- tests/app/src/test/time/parse.lua); a bad text gives nil, err (INVALID).
local time = require("time")

local function main()
  if type(time.parse) ~= "function" then
    return false, "time.parse is missing"
  end
  local t, err = time.parse("2006-01-02", "2024-03-05")
  if t == nil then
    return false, "parse failed: " .. tostring(err)
  end
  if t:format("2006-01-02") ~= "2024-03-05" then
    return false, "format " .. tostring(t:format("2006-01-02"))
  end
  local bad, perr = time.parse("2006-01-02", "invalid-date")
  if bad ~= nil or perr == nil or perr:kind() ~= errors.INVALID then
    return false, "bad date: " .. tostring(bad) .. ", " .. tostring(perr)
  end
  return true
end

return { main = main }
