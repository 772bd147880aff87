-- Spawning an unknown entry, on an unknown host, or an entry that is not a process
-- returns nil, err (an error value with a message) instead of raising.
local function check(what, pid, err)
  if pid ~= nil then
    error(what .. ": expected nil pid, got " .. tostring(pid))
  end
  if err == nil then
    error(what .. ": expected an error")
  end
  local message = err:message()
  if type(message) ~= "string" or #message == 0 then
    error(what .. ": error without a message")
  end
  return message
end

local function main()
  local m1 = check("unknown entry", process.spawn("test:no_such_entry", "test:processes"))
  if not m1:find("no_such_entry", 1, true) then
    return false, "unknown entry error does not name the entry: " .. m1
  end
  local m2 = check("unknown host", process.spawn("test:normal_worker", "test:no_such_host"))
  if not m2:find("no_such_host", 1, true) then
    return false, "unknown host error does not name the host: " .. m2
  end
  check("host as entry", process.spawn("test:processes", "test:processes"))
  check("entry as host", process.spawn("test:normal_worker", "test:normal_worker"))
  check("spawn_monitored unknown", process.spawn_monitored("test:no_such_entry", "test:processes"))
  check("spawn_linked unknown", process.spawn_linked("test:no_such_entry", "test:processes"))
  return true
end

return { main = main }
