-- time.parse with a zone abbreviation that the location has but that is not in effect
-- on the parsed date takes that zone's offset, as Go's Location.lookupName falls back
-- to any zone of that name: "EST" in New York in July is -5 h, "EDT" in January -4 h.
-- The time is then shown on the location's clock. A name the location does not have
-- stays a zone of unknown (zero) offset.
local time = require("time")

local function check(what, got, want)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end

local function main()
  local ny = assert(time.load_location("America/New_York"))
  local layout = "2006-01-02 15:04 MST"
  local july = assert(time.parse(layout, "2024-07-01 12:00 EST", ny))
  check("EST in July", july:unix(), 1719853200)
  check("EST in July, shown", july:format("15:04 MST"), "13:00 EDT")
  local january = assert(time.parse(layout, "2024-01-15 12:00 EDT", ny))
  check("EDT in January", january:unix(), 1705334400)
  check("EDT in January, shown", january:format("15:04 MST"), "11:00 EST")
  -- In season, as before.
  check("EDT in July", assert(time.parse(layout, "2024-07-01 12:00 EDT", ny)):unix(), 1719849600)
  -- Not a zone of New York: zero offset, under its own name.
  local pst = assert(time.parse(layout, "2024-07-01 12:00 PST", ny))
  check("PST in New York", pst:unix(), 1719835200)
  check("PST in New York, shown", pst:format("15:04 MST"), "12:00 PST")
  return true
end

return { main = main }
