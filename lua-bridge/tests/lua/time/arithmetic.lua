-- Time arithmetic: add takes a Duration, a duration string or nanoseconds (negative
-- too); sub gives a signed Duration; add_date normalizes as Go (January 31, 2023 plus one
-- month is March 3); before/after/equal compare instants whatever the location.
local time = require("time")

local function check(what, got, want)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end

local function main()
  local t = time.date(2024, 12, 29, 15, 4, 5, 0, time.utc)
  check("add Duration", t:add(time.parse_duration("1h")):hour(), 16)
  check("add string", t:add("30m"):minute(), 34)
  check("add number", t:add(time.HOUR):hour(), 16)
  check("add negative", t:add("-2h"):hour(), 13)
  check("add keeps location", tostring(t:add("1s"):location()), "UTC")
  check("add bad duration raises", pcall(t.add, t, "soon"), false)

  local earlier = time.date(2024, 12, 29, 14, 4, 5, 0, time.utc)
  check("sub", t:sub(earlier):hours(), 1)
  check("sub negative", earlier:sub(t):minutes(), -60)
  check("sub tostring", tostring(earlier:sub(t)), "-1h0m0s")

  local jan31 = time.date(2023, 1, 31, 10, 0, 0, 0, time.utc)
  check("add_date month overflow", jan31:add_date(0, 1, 0):format(time.DATE_ONLY), "2023-03-03")
  check("add_date years", t:add_date(1, 2, 3):format(time.DATE_ONLY), "2026-03-04")
  check("add_date back", t:add_date(0, 0, -29):format(time.DATE_ONLY), "2024-11-30")

  local est = t:in_location(time.fixed_zone("EST", -5 * 3600))
  check("equal ignores location", t:equal(est), true)
  check("before", earlier:before(t), true)
  check("after", t:after(earlier), true)
  check("not before itself", t:before(est), false)
  check("userdata identity", t == est, false)
  return true
end

return { main = main }
