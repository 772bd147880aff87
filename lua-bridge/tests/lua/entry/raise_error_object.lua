-- error(errors.new{kind = ...}) fails the process with that error: the EXIT's error
-- keeps the kind and message (as it does for `return nil, err`).
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
  local ev = exit_of(events, "test:return_worker", "raise_error_object")
  if ev.result.error == nil then
    return false, "raised error object: no error"
  end
  if not ev.result.error:message():find("raised object", 1, true) then
    return false, "raised error object message: " .. ev.result.error:message()
  end
  if ev.result.error:kind() ~= errors.PERMISSION_DENIED then
    return false, "raised error object lost its kind: " .. tostring(ev.result.error:kind())
  end
  return true
end

return { main = main }
