-- time.date builds a Time from calendar fields in a location, and its accessors read
-- them back (date(), clock(), weekday, year_day); out-of-range fields carry over as in
-- Go (October 32 is November 1, hour -1 is the day before).
local time = require("time")

local function check(what, got, want)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end

local function main()
  local t = time.date(2024, 12, 29, 15, 4, 5, 123, time.utc)
  check("type", type(t), "userdata")
  check("year", t:year(), 2024)
  check("month", t:month(), time.DECEMBER)
  check("day", t:day(), 29)
  check("hour", t:hour(), 15)
  check("minute", t:minute(), 4)
  check("second", t:second(), 5)
  check("nanosecond", t:nanosecond(), 123)
  check("weekday", t:weekday(), time.SUNDAY)
  check("year_day", t:year_day(), 364)
  local y, m, d = t:date()
  check("date()", string.format("%d-%d-%d", y, m, d), "2024-12-29")
  local h, mi, s = t:clock()
  check("clock()", string.format("%d:%d:%d", h, mi, s), "15:4:5")
  check("unix", t:unix(), 1735484645)

  local nov1 = time.date(2023, 10, 32, 0, 0, 0, 0, time.utc)
  check("october 32", nov1:format(time.DATE_ONLY), "2023-11-01")
  local jan = time.date(2023, 13, 1, 0, 0, 0, 0, time.utc)
  check("month 13", jan:format(time.DATE_ONLY), "2024-01-01")
  local eve = time.date(2024, 3, 1, -1, 0, 0, 0, time.utc)
  check("hour -1", eve:format(time.DATE_TIME), "2024-02-29 23:00:00")

  -- Without a location the time is local; a non-location 8th argument raises.
  check("default location", tostring(time.date(2024, 1, 1, 0, 0, 0, 0):location()), "Local")
  local ok = pcall(time.date, 2024, 1, 1, 0, 0, 0, 0, "UTC")
  check("bad location raises", ok, false)
  ok = pcall(time.date, 2024, 1)
  check("missing fields raise", ok, false)
  return true
end

return { main = main }
