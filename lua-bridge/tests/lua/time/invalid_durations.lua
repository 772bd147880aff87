-- after, timer and ticker reject durations <= 0 and bad strings with nil, err
-- (kind INVALID); parse_duration rejects garbage the same way, and quotes a long text
-- in part (its first 64 characters and its length).
local time = require("time")

local function rejects(what, v, err)
  if v ~= nil then
    error(what .. " accepted")
  end
  if err == nil then
    error(what .. ": no error")
  end
  if err:kind() ~= errors.INVALID then
    error(what .. ": kind " .. tostring(err:kind()))
  end
end

local function main()
  rejects("after(0)", time.after(0))
  rejects("after(-1)", time.after(-1))
  rejects("after('0s')", time.after("0s"))
  rejects("after('-5ms')", time.after("-5ms"))
  rejects("after('soon')", time.after("soon"))
  rejects("timer(0)", time.timer(0))
  rejects("timer(-1000)", time.timer(-1000))
  rejects("ticker(0)", time.ticker(0))
  rejects("ticker('-1s')", time.ticker("-1s"))
  rejects("parse_duration('abc')", time.parse_duration("abc"))
  rejects("parse_duration('10 parsecs')", time.parse_duration("10 parsecs"))
  local long = "1" .. string.rep("x", 10000)
  local _, err = time.parse_duration(long)
  rejects("parse_duration(long)", nil, err)
  local wanted = 'invalid duration "1' .. string.rep("x", 63) .. '"… (10001 bytes): unknown unit'
  if not tostring(err):find(wanted, 1, true) then
    error("parse_duration(long): " .. tostring(err):sub(1, 200))
  end
  _, err = time.after(long)
  if #tostring(err) > 300 then
    error("after(long) quotes it whole: " .. #tostring(err) .. " bytes of message")
  end
  return true
end

return { main = main }
