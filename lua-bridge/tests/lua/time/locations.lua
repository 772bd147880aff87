-- Locations: time.utc is "UTC", time.localtz is "Local", load_location reads the tz
-- database (with daylight saving), fixed_zone names an offset; in_location shows the
-- same instant on another clock; load_location fails with NOT_FOUND (unknown) or
-- INVALID (empty name).
local time = require("time")

local function check(what, got, want)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end

local function main()
  check("utc", time.utc:string(), "UTC")
  check("localtz", time.localtz:string(), "Local")
  check("tostring", tostring(time.utc), "UTC")

  local ny = assert(time.load_location("America/New_York"))
  check("loaded name", ny:string(), "America/New_York")
  local winter = time.date(2024, 1, 15, 12, 0, 0, 0, time.utc):in_location(ny)
  check("winter", winter:format("15:04 MST -07:00"), "07:00 EST -05:00")
  local summer = time.date(2024, 7, 15, 12, 0, 0, 0, time.utc):in_location(ny)
  check("summer", summer:format("15:04 MST -07:00"), "08:00 EDT -04:00")
  check("same instant", summer:equal(summer:utc()), true)
  local wall = time.date(2024, 7, 15, 8, 0, 0, 0, ny)
  check("date in zone", wall:utc():format("15:04"), "12:00")
  check("location of a zoned time", tostring(wall:location()), "America/New_York")

  local fixed = time.fixed_zone("EST", -5 * 3600)
  check("fixed name", fixed:string(), "EST")

  local bad, err = time.load_location("Invalid/Location")
  check("unknown zone value", bad, nil)
  check("unknown zone kind", err:kind(), errors.NOT_FOUND)
  check("unknown zone retryable", err:retryable(), false)
  local empty, eerr = time.load_location("")
  check("empty name value", empty, nil)
  check("empty name kind", eerr:kind(), errors.INVALID)
  check("UTC by name", time.load_location("UTC"):string(), "UTC")
  check("in_location needs a location", pcall(winter.in_location, winter, "UTC"), false)
  return true
end

return { main = main }
