-- main returning (nil, "message") fails the process with that message, kind INTERNAL
-- and not retryable (the original's script return error); returning an error object as
-- the 2nd value fails it with that error (kind kept).
local time = require("time")

local function exit_of(events, mode)
  local pid = assert(process.spawn_monitored("test:return_worker", "test:processes", mode))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout or r.value.from ~= pid then
    error(mode .. ": no EXIT")
  end
  return r.value
end

local function main()
  local events = process.events()
  local ev = exit_of(events, "nil_string")
  if ev.result.error == nil then
    return false, "nil, 'message' counted as success"
  end
  if ev.result.error:message() ~= "bad things happened" then
    return false, "message: " .. ev.result.error:message()
  end
  if ev.result.error:kind() ~= errors.INTERNAL or ev.result.error:retryable() ~= false then
    return false, "kind/retryable: " .. ev.result.error:kind() .. " " .. tostring(ev.result.error:retryable())
  end
  ev = exit_of(events, "value_string")
  if ev.result.error == nil then
    return false, "1, 'message' counted as success"
  end
  ev = exit_of(events, "error_object")
  if ev.result.error == nil then
    return false, "nil, errors.new(...) counted as success"
  end
  if ev.result.error:kind() ~= errors.TIMEOUT or ev.result.error:message() ~= "too slow" then
    return false, "error object changed: " .. ev.result.error:kind() .. " " .. ev.result.error:message()
  end
  return true
end

return { main = main }
