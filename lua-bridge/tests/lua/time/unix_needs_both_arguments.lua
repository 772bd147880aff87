-- time.unix(sec, nsec) takes both, as the original's CheckInt64(1), CheckInt64(2): a
-- missing nanosecond count raises.
local time = require("time")

local function main()
  assert(time.unix(5, 0):unix() == 5)
  local ok, err = pcall(time.unix, 5)
  assert(not ok, "time.unix(5) must raise")
  assert(tostring(err):find("bad argument #2", 1, true), tostring(err))
  return true
end

return { main = main }
