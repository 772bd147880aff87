-- Change sets that touch services and hosts act on them: a created service with
-- auto_start runs, a deleted one gets CANCEL and stops, a host made in the same change
-- set as a service on it starts first and runs it, and going back to the version
-- before stops what was started after it.
local wait = require("wait")

local function expect(inbox, topic, tag)
  local msg = wait.try_receive(inbox, "5s")
  if msg == nil then
    return nil, "no " .. topic .. " message from " .. tag
  end
  if msg:topic() ~= topic or msg:payload():data() ~= tag then
    return nil, "expected " .. topic .. " " .. tag .. ", got " .. msg:topic() .. " " .. tostring(msg:payload():data())
  end
  return msg
end

local function service(id, host, tag)
  return {
    id = id,
    kind = "process.service",
    data = {
      process = "test:live_service_worker",
      host = host,
      input = { process.pid(), tag },
      lifecycle = { auto_start = true },
    },
  }
end

local function main()
  local inbox = process.inbox()

  local c = registry.snapshot():changes()
  c:create(service("test:live_one", "test:processes", "one"))
  local v, err = c:apply()
  if err then
    return false, "create of a service: " .. tostring(err)
  end
  local msg, problem = expect(inbox, "started", "one")
  if not msg then return false, problem end
  if not msg:from():find("test:processes", 1, true) then
    return false, "the service runs on " .. msg:from()
  end

  c = registry.snapshot():changes()
  c:delete("test:live_one")
  v, err = c:apply()
  if err then
    return false, "delete of the service: " .. tostring(err)
  end
  msg, problem = expect(inbox, "cancelled", "one")
  if not msg then return false, problem end

  -- The service comes first in the set: the host still starts before it.
  local before = registry.current_version()
  c = registry.snapshot():changes()
  c:create(service("test:live_two", "test:live_host", "two"))
  c:create({ id = "test:live_host", kind = "process.host", data = { lifecycle = { auto_start = true } } })
  v, err = c:apply()
  if err then
    return false, "create of a host and a service on it: " .. tostring(err)
  end
  msg, problem = expect(inbox, "started", "two")
  if not msg then return false, problem end
  if not msg:from():find("test:live_host", 1, true) then
    return false, "the service runs on " .. msg:from() .. ", not on the new host"
  end

  -- Going back stops the service (and the host) made after that version.
  local _, back_err = registry.apply_version(before)
  if back_err then
    return false, "apply_version: " .. tostring(back_err)
  end
  msg, problem = expect(inbox, "cancelled", "two")
  if not msg then return false, problem end
  if registry.get("test:live_host") ~= nil then
    return false, "the host entry is still in the registry"
  end
  local pid, spawn_err = process.spawn("test:live_service_worker", "test:live_host", process.pid(), "three")
  if pid ~= nil or spawn_err == nil then
    return false, "a spawn onto the removed host: " .. tostring(pid)
  end
  return true
end

return { main = main }
