-- process.cancel(pid) without a reason delivers a CANCEL whose reason is "" (the
-- CancelEvent's empty Reason string; R module.go `cancel`: reason defaults to "",
-- api/topology/topology.go CancelEvent, engine/payload/lua.go struct transcoding).
local receive = require("wait").receive

local function main()
  local reasons = process.listen("reason")
  local pid = assert(process.spawn("test:conf_late_events_worker", "test:processes", process.pid(), "10ms"))
  assert(process.cancel(pid))
  local got = receive(reasons)
  if got.from ~= process.pid() then
    return false, "from " .. tostring(got.from)
  end
  if got.reason ~= "" then
    return false, "default reason " .. string.format("%q", tostring(got.reason))
  end
  return true
end

return { main = main }
