-- time.unix(sec, nsec) is a local Time at that instant; :utc() shows it in UTC;
-- unix()/unix_nano() read the instant back; is_zero() is true only for Go's zero time
-- (January 1, year 1, UTC); time.now() is a local Time. NaN, the infinities and a
-- string are refused, each named in the error.
local time = require("time")

local function check(what, got, want)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end

local function main()
  local t = time.unix(1735484645, 250)
  check("unix location", tostring(t:location()), "Local")
  local u = t:utc()
  check("utc location", tostring(u:location()), "UTC")
  check("utc fields", u:format("2006-01-02 15:04:05"), "2024-12-29 15:04:05")
  check("unix()", u:unix(), 1735484645)
  check("unix_nano()", u:unix_nano(), 1735484645000000250)
  check("equal across locations", t:equal(u), true)

  local before_epoch = time.unix(-1, 0):utc()
  check("before the epoch", before_epoch:format(time.DATE_TIME), "1969-12-31 23:59:59")

  check("zero time", time.date(1, 1, 1, 0, 0, 0, 0, time.utc):is_zero(), true)
  check("epoch is not zero", time.unix(0, 0):is_zero(), false)

  local now = time.now()
  check("now type", type(now), "userdata")
  check("now location", tostring(now:location()), "Local")
  check("now not zero", now:is_zero(), false)
  if math.abs(now:unix() - os.time()) > 2 then
    error("now() is " .. now:unix() .. ", os.time() " .. os.time())
  end
  for _, bad in ipairs({ { 0 / 0, "got NaN" }, { math.huge, "got inf" }, { -math.huge, "got -inf" },
                         { "12", "got string" } }) do
    local ok, err = pcall(time.unix, bad[1], 0)
    if ok or not tostring(err):find(bad[2], 1, true) then
      return false, "time.unix(" .. tostring(bad[1]) .. "): " .. tostring(err)
    end
  end
  return true
end

return { main = main }
