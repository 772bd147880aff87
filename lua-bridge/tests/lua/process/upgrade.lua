-- process.upgrade(nil, ...) restarts the process's code in place: same pid, the new
-- main gets the arguments.
local time = require("time")

local function main()
  if type(process.upgrade) ~= "function" then
    return false, "process.upgrade is missing"
  end
  local ch = process.listen("upgraded")
  local pid = assert(process.spawn("test:upgrade_worker", "test:processes", process.pid()))
  local timeout = time.after("2s")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "the upgraded code did not report"
  end
  if r.value.pid ~= pid or r.value.stage ~= "second" then
    return false, "upgrade: pid " .. tostring(r.value.pid) .. " stage " .. tostring(r.value.stage)
  end
  return true
end

return { main = main }
