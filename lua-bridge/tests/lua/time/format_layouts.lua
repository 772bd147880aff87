-- t:format(layout) follows Go's layouts: the reference time's elements (Mon Jan 2
-- 15:04:05 MST 2006), padded variants, fractions, 12-hour clocks, zone offsets, and
-- the layout constants; tostring(t) is Go's Time.String.
local time = require("time")

local function check(what, got, want)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end

local function main()
  local t = time.date(2024, 3, 5, 9, 7, 2, 120000000, time.utc)
  check("unix date", t:format("Mon Jan 2 15:04:05 MST 2006"), "Tue Mar 5 09:07:02 UTC 2024")
  check("padded", t:format("01/02/06 03:04:05PM"), "03/05/24 09:07:02AM")
  check("under day", t:format("Jan _2"), "Mar  5")
  check("long names", t:format("Monday, January 2"), "Tuesday, March 5")
  check("fraction kept", t:format("05.000"), "02.120")
  check("fraction trimmed", t:format("05.999999"), "02.12")
  check("year day", t:format("002"), "065")
  check("RFC3339", t:format(time.RFC3339), "2024-03-05T09:07:02Z")
  check("RFC3339NANO", t:format(time.RFC3339NANO), "2024-03-05T09:07:02.12Z")
  check("RFC1123", t:format(time.RFC1123), "Tue, 05 Mar 2024 09:07:02 UTC")
  check("KITCHEN", t:format(time.KITCHEN), "9:07AM")
  check("STAMP_MILLI", t:format(time.STAMP_MILLI), "Mar  5 09:07:02.120")
  check("format_rfc3339", t:format_rfc3339(), "2024-03-05T09:07:02Z")
  check("literal text", t:format("at 15h, day 2"), "at 09h, day 5")

  local ist = time.fixed_zone("IST", 5 * 3600 + 1800)
  local local_t = t:in_location(ist)
  check("offset colon", local_t:format(time.RFC3339), "2024-03-05T14:37:02+05:30")
  check("offset plain", local_t:format("-0700 MST"), "+0530 IST")
  local unnamed = t:in_location(time.fixed_zone("", -3600))
  check("unnamed zone", unnamed:format("15:04 MST"), "08:07 -0100")

  check("tostring", tostring(t), "2024-03-05 09:07:02.12 +0000 UTC")
  check("tostring in zone", tostring(local_t), "2024-03-05 14:37:02.12 +0530 IST")
  return true
end

return { main = main }
