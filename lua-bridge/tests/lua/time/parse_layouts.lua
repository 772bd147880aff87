-- time.parse(layout, value[, loc]) reads Go layouts: a value without a zone is in
-- loc (Local by default), "Z" is UTC, a numeric offset becomes a fixed zone, and a
-- fraction is read even when the layout has none.
local time = require("time")

local function check(what, got, want)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end

local function main()
  local t = assert(time.parse(time.DATE_TIME, "2024-12-29 15:04:05"))
  check("fields", t:format(time.DATE_TIME), "2024-12-29 15:04:05")
  check("default location", tostring(t:location()), "Local")

  local est = time.fixed_zone("EST", -5 * 3600)
  local in_est = assert(time.parse(time.DATE_TIME, "2024-12-29 15:04:05", est))
  check("given location", tostring(in_est:location()), "EST")
  check("instant in location", in_est:utc():format(time.DATE_TIME), "2024-12-29 20:04:05")

  local z = assert(time.parse(time.RFC3339, "2024-01-01T12:34:56Z"))
  check("Z is UTC", tostring(z:location()), "UTC")
  check("Z unix", z:unix(), 1704112496)

  local off = assert(time.parse(time.RFC3339, "2024-01-01T12:34:56+02:00"))
  check("offset instant", off:unix(), 1704112496 - 7200)
  check("offset kept", off:format(time.RFC3339), "2024-01-01T12:34:56+02:00")

  local frac = assert(time.parse("2006-01-02T15:04:05Z", "2024-01-01T12:34:56.789Z"))
  check("fraction", frac:nanosecond(), 789000000)

  local kitchen = assert(time.parse(time.KITCHEN, "3:04PM", time.utc))
  check("12-hour clock", kitchen:format("15:04"), "15:04")
  check("no date is year 0", kitchen:year(), 0)

  local named = assert(time.parse("Jan 2 2006", "dec 25 2023", time.utc))
  check("month names ignore case", named:format(time.DATE_ONLY), "2023-12-25")
  return true
end

return { main = main }
