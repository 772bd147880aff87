-- The calendar constants: months 1..12, weekdays 0 (Sunday) .. 6, and the Go layouts
-- under the original's names.
local time = require("time")

local function main()
  local months = { "JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY",
    "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER" }
  for i, name in ipairs(months) do
    if time[name] ~= i then
      error(name .. " = " .. tostring(time[name]))
    end
  end
  local days = { "SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY" }
  for i, name in ipairs(days) do
    if time[name] ~= i - 1 then
      error(name .. " = " .. tostring(time[name]))
    end
  end
  local layouts = {
    RFC3339 = "2006-01-02T15:04:05Z07:00",
    RFC3339NANO = "2006-01-02T15:04:05.999999999Z07:00",
    RFC822 = "02 Jan 06 15:04 MST",
    RFC822Z = "02 Jan 06 15:04 -0700",
    RFC850 = "Monday, 02-Jan-06 15:04:05 MST",
    RFC1123 = "Mon, 02 Jan 2006 15:04:05 MST",
    RFC1123Z = "Mon, 02 Jan 2006 15:04:05 -0700",
    KITCHEN = "3:04PM",
    STAMP = "Jan _2 15:04:05",
    STAMP_MILLI = "Jan _2 15:04:05.000",
    STAMP_MICRO = "Jan _2 15:04:05.000000",
    STAMP_NANO = "Jan _2 15:04:05.000000000",
    DATE_TIME = "2006-01-02 15:04:05",
    DATE_ONLY = "2006-01-02",
    TIME_ONLY = "15:04:05",
  }
  for name, layout in pairs(layouts) do
    if time[name] ~= layout then
      error(name .. " = " .. tostring(time[name]))
    end
  end
  return true
end

return { main = main }
