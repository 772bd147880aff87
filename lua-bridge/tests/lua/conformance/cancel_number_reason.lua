-- process.cancel(pid, reason) takes a number reason as its text (the original's
-- CheckString coerces it), and raises for a reason that is neither.
local receive = require("wait").receive

local function main()
  local reasons = process.listen("reason")
  local pid = assert(process.spawn("test:conf_late_events_worker", "test:processes", process.pid(), "10ms"))
  assert(process.cancel(pid, -1))
  local got = receive(reasons)
  if got.reason ~= "-1" then
    return false, "number reason arrived as " .. string.format("%q", tostring(got.reason))
  end
  local ok = pcall(process.cancel, pid, {})
  if ok then
    return false, "a table reason did not raise"
  end
  return true
end

return { main = main }
