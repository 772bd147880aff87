-- os.time, os.date and os.clock as the original's ostime module makes them: missing
-- time fields are 0 and a missing date field is today's, numbers are truncated and
-- other values ignored, fields carry over as Go's time.Date; os.date writes unknown
-- specifiers and a trailing % as they stand and %U as the ISO week; os.clock is wall
-- time since the start.
local time = require("time")

local function check(cond, what)
  if not cond then
    error(what, 2)
  end
end

local function main()
  -- Midnight (local), not C's noon.
  local t = os.time({ year = 2024, month = 1, day = 1 })
  local d = os.date("*t", t)
  check(d.year == 2024 and d.month == 1 and d.day == 1, "date fields")
  check(d.hour == 0 and d.min == 0 and d.sec == 0, "hour " .. d.hour .. ":" .. d.min)
  -- Truncated numbers; a string is ignored (the default: 0 for the hour).
  check(os.time({ year = 2024, month = 1, day = 1.7, hour = "5" }) == t, "truncation")
  -- Carrying over: month 13 is January of the next year, hour 24 the next day.
  local carried = os.date("*t", os.time({ year = 2024, month = 13, day = 1, hour = 24 }))
  check(carried.year == 2025 and carried.month == 1 and carried.day == 2, "carry over")
  -- A missing day is today's.
  local today = os.date("*t")
  local no_day = os.date("*t", os.time({ year = today.year, month = today.month }))
  check(no_day.day == today.day, "missing day")
  check(math.type(os.time()) == "integer", "os.time() is an integer")
  check(not pcall(os.time, 5), "os.time(5) raises")

  -- UTC formats.
  check(os.date("!%c", 0) == "Thu Jan  1 00:00:00 1970", "%c: " .. os.date("!%c", 0))
  check(os.date("!%x %X", 0) == "01/01/70 00:00:00", "%x %X")
  check(os.date("!%Q %", 0) == "%Q %", "unknown specifier: " .. os.date("!%Q %", 0))
  local feb10 = 86400 * 40 -- Tuesday 1970-02-10, ISO week 7
  check(os.date("!%U %W %j %w", feb10) == "07 07 041 2", "weeks: " .. os.date("!%U %W %j %w", feb10))
  check(os.date("!%a %A %b %B %p %I %y %Y", feb10) == "Tue Tuesday Feb February AM 12 70 1970",
    "names: " .. os.date("!%a %A %b %B %p %I %y %Y", feb10))
  check(os.date("!%z %Z %%", feb10) == "+0000 UTC %", "zone: " .. os.date("!%z %Z %%", feb10))
  check(os.date("!%H:%M:%S", 3723.9) == "01:02:03", "fractional seconds are truncated")
  local u = os.date("!*t", 86400)
  check(u.year == 1970 and u.month == 1 and u.day == 2 and u.wday == 6 and u.yday == 2, "!*t")
  check(u.isdst == false, "isdst in UTC")
  check(not pcall(os.date, "%c", {}), "a table as the time raises")

  -- Wall time since the start: a sleep moves it.
  local c0 = os.clock()
  time.sleep("50ms")
  local spent = os.clock() - c0
  check(spent >= 0.04, "os.clock moved " .. spent .. " s over a 50 ms sleep")
  check(os.difftime(10, 4) == 6, "difftime")
  check(not pcall(os.difftime, 1), "difftime needs both")
  return true
end

return { main = main }
