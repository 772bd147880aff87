-- time.now():unix() agrees with os.time(); parse_duration understands Go duration
-- strings and nanosecond numbers; Duration and Time methods.
local time = require("time")

local function main()
  local now = time.now()
  local unix = now:unix()
  if math.abs(unix - os.time()) > 2 then
    return false, "now():unix() " .. unix .. " vs os.time() " .. os.time()
  end
  local d = assert(time.parse_duration("1h30m45s"))
  if d:seconds() ~= 5445 then
    return false, "1h30m45s = " .. d:seconds() .. "s"
  end
  d = assert(time.parse_duration("1500ms"))
  if d:milliseconds() ~= 1500 or d:seconds() ~= 1.5 then
    return false, "1500ms"
  end
  d = assert(time.parse_duration(2500000000))
  if d:seconds() ~= 2.5 then
    return false, "2.5e9 ns = " .. d:seconds() .. "s"
  end
  d = assert(time.parse_duration("250us"))
  if d:microseconds() ~= 250 or d:nanoseconds() ~= 250000 then
    return false, "250us"
  end
  if time.NANOSECOND ~= 1 or time.MICROSECOND ~= 1000 or time.MILLISECOND ~= 1000000
      or time.SECOND ~= 1000000000 or time.MINUTE ~= 60 * time.SECOND or time.HOUR ~= 60 * time.MINUTE then
    return false, "duration constants"
  end
  local later = now:add("2s")
  if later:unix() - unix ~= 2 then
    return false, "add('2s')"
  end
  if not later:after(now) or not now:before(later) then
    return false, "before/after"
  end
  if later:sub(now):seconds() ~= 2 then
    return false, "sub"
  end
  local epoch = time.unix(0, 0)
  if epoch:format_rfc3339() ~= "1970-01-01T00:00:00Z" then
    return false, "rfc3339 of the epoch: " .. epoch:format_rfc3339()
  end
  if time.unix(86400 * 365, 0):format_rfc3339() ~= "1971-01-01T00:00:00Z" then
    return false, "rfc3339 of 1971"
  end
  return true
end

return { main = main }
