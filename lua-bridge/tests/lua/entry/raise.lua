-- A raised error fails the process; a string error carries "file:line:" of the raise;
-- a raised table still fails the process.
local time = require("time")

local function exit_of(events, entry, arg)
  local pid = assert(process.spawn_monitored(entry, "test:processes", arg))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout or r.value.from ~= pid then
    error(entry .. ": no EXIT")
  end
  return r.value
end

local function main()
  local events = process.events()
  local ev = exit_of(events, "test:error_worker")
  local message = ev.result.error:message()
  -- error_worker.lua raises on line 8.
  if not message:find("error_worker.lua:8:", 1, true) then
    return false, "message has no file:line: " .. message
  end
  if not message:find("worker failed on purpose", 1, true) then
    return false, "message lost its text: " .. message
  end
  ev = exit_of(events, "test:return_worker", "raise_table")
  if ev.result.error == nil then
    return false, "raised table: no error"
  end
  return true
end

return { main = main }
