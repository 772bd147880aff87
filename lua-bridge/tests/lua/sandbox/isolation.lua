-- Processes do not share globals: a global set here is not seen by another process
-- of the same entry code, nor by a worker.
local time = require("time")

local function main()
  leaked_global = "parent"
  string.leaked = "parent"
  local pid = assert(process.spawn("test:globals_worker", "test:processes", process.pid()))
  local ch = process.listen("globals")
  local timeout = time.after("2s")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "worker did not report"
  end
  if r.value.global ~= nil or r.value.string_field ~= nil then
    return false, "globals leaked between processes"
  end
  return true
end

return { main = main }
