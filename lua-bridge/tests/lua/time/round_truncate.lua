-- t:round(d) and t:truncate(d) move to a multiple of the Duration d (halves round up);
-- d <= 0 keeps the time; anything but a Duration value raises.
local time = require("time")

local function check(what, got, want)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end

local function main()
  local t = assert(time.parse("2006-01-02T15:04:05.999999999Z", "2024-01-01T12:34:56.789Z"))
  local layout = "2006-01-02T15:04:05.999Z"
  check("round 1s", t:round(time.parse_duration("1s")):format(layout), "2024-01-01T12:34:57Z")
  check("truncate 1m", t:truncate(time.parse_duration("1m")):format(layout), "2024-01-01T12:34:00Z")
  check("round 1h", t:round(time.parse_duration("1h")):format(layout), "2024-01-01T13:00:00Z")
  check("truncate 1ms", t:truncate(time.parse_duration("1ms")):format(layout), "2024-01-01T12:34:56.789Z")
  local half = time.date(2024, 1, 1, 0, 0, 0, 500000000, time.utc)
  check("half rounds up", half:round(time.parse_duration("1s")):second(), 1)
  check("zero keeps", t:round(time.parse_duration(0)):equal(t), true)
  check("number raises", pcall(t.round, t, time.SECOND), false)
  check("string raises", pcall(t.truncate, t, "1s"), false)
  return true
end

return { main = main }
