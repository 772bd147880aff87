-- Duration values are signed nanoseconds as Go's: parse_duration takes signed strings
-- and numbers, tostring prints Go's form (1h30m0s, 1.5s, 250µs), and the getters
-- truncate (integers) or divide (floats) as Go's do; a number past a Duration's range
-- or NaN is an error.
local time = require("time")

local function check(what, got, want)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end

local function main()
  check("1h30m", tostring(time.parse_duration("1h30m")), "1h30m0s")
  check("1.5s", tostring(time.parse_duration(1500 * time.MILLISECOND)), "1.5s")
  check("250us", tostring(time.parse_duration("250us")), "250µs")
  check("zero", tostring(time.parse_duration(0)), "0s")
  local neg = assert(time.parse_duration("-1m30s"))
  check("negative seconds", neg:seconds(), -90)
  check("negative tostring", tostring(neg), "-1m30s")
  check("negative number", time.parse_duration(-5):nanoseconds(), -5)
  local d = time.parse_duration("1500us")
  check("milliseconds truncate", d:milliseconds(), 1)
  check("microseconds", d:microseconds(), 1500)
  check("hours float", time.parse_duration("90m"):hours(), 1.5)
  local same = time.parse_duration(d)
  check("Duration passes through", same:nanoseconds(), 1500000)
  local bad, err = time.parse_duration({})
  check("table rejected", bad, nil)
  check("table kind", err:kind(), errors.INVALID)
  -- Past a Duration's range, or NaN, as a number: an error, as the same as text is.
  for _, v in ipairs({ 1e300, math.huge, -math.huge, 0 / 0 }) do
    local none, nerr = time.parse_duration(v)
    check("out of range " .. tostring(v), none, nil)
    check("out of range kind", nerr:kind(), errors.INVALID)
  end
  local slept, serr = time.sleep(1e300)
  check("sleep(1e300)", slept, nil)
  check("sleep(1e300) error", tostring(serr):find("too large", 1, true) ~= nil, true)
  return true
end

return { main = main }
