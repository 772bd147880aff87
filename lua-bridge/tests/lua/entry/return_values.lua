-- What main returns becomes the EXIT result value: tables (copied), false, nothing
-- (nil), and the first of several values when the second is not a string or error.
local time = require("time")

local function exit_of(events, mode)
  local pid = assert(process.spawn_monitored("test:return_worker", "test:processes", mode))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout or r.value.from ~= pid then
    error(mode .. ": no EXIT")
  end
  if r.value.result.error ~= nil then
    error(mode .. ": failed with " .. r.value.result.error:message())
  end
  return r.value.result.value
end

local function main()
  local events = process.events()
  local t = exit_of(events, "table")
  if type(t) ~= "table" or t.list[2] ~= "b" or t.n ~= 1 then
    return false, "table result"
  end
  if exit_of(events, "false") ~= false then
    return false, "false result"
  end
  if exit_of(events, "nothing") ~= nil then
    return false, "no result"
  end
  if exit_of(events, "two_values") ~= "first" then
    return false, "first of two values"
  end
  if exit_of(events, "value_nil") ~= 5 then
    return false, "5, nil"
  end
  return true
end

return { main = main }
