-- time.parse returns nil, err (INVALID, not retryable) with Go's message when the
-- value does not match its layout or names an impossible date, and when it names a time
-- past the range (year 9999 at an offset that puts it in year 10000 in UTC); a long
-- value is quoted in part; a layout or value that is not a string raises.
local time = require("time")

local function rejects(layout, value, fragment)
  local t, err = time.parse(layout, value)
  if t ~= nil or err == nil then
    error(value .. " parsed as " .. tostring(t))
  end
  if err:kind() ~= errors.INVALID or err:retryable() ~= false then
    error(value .. ": kind " .. tostring(err:kind()) .. ", retryable " .. tostring(err:retryable()))
  end
  local text = tostring(err)
  if not text:find(fragment, 1, true) then
    error(value .. ": message " .. text .. " lacks " .. fragment)
  end
end

local function main()
  rejects("2006-01-02", "invalid-date", 'cannot parse "invalid-date" as "2006"')
  rejects("2006-01-02", "2024-02-30", "day out of range")
  rejects("2006-01-02", "2024-13-01", "month out of range")
  rejects("15:04", "24:00", "hour out of range")
  rejects("2006-01-02", "2024-01-01 extra", 'extra text: " extra"')
  rejects("2006-01-02", "", 'cannot parse "" as "2006"')
  rejects("2006-01-02T15:04:05Z07:00", "9999-12-31T23:59:59-23:59",
    "time.parse: time out of range (years -9999 to 9999)")
  local long = "x" .. string.rep("y", 10000)
  rejects("2006", long, '"x' .. string.rep("y", 63) .. '"… (10001 bytes) as "2006"')
  local _, err = time.parse("2006", long)
  if #tostring(err) > 400 then
    error("a long value is quoted whole: " .. #tostring(err) .. " bytes of message")
  end
  if pcall(time.parse, nil, "2024") then
    error("a nil layout was accepted")
  end
  if pcall(time.parse, "2006", {}) then
    error("a table value was accepted")
  end
  return true
end

return { main = main }
