-- process.send to a pid and to a registered name both deliver; send returns true.

local receive = require("wait").receive

local function main()
  local inbox = process.inbox()
  local ok, err = process.send(process.pid(), "by_pid", 1)
  if ok ~= true or err ~= nil then
    return false, "send to own pid: " .. tostring(err)
  end
  local msg = receive(inbox)
  if msg:topic() ~= "by_pid" or msg:payload():data() ~= 1 then
    return false, "wrong message by pid"
  end

  local name = "send_to_name_" .. tostring(os.time())
  assert(process.registry.register(name))
  ok, err = process.send(name, "by_name", 2)
  if ok ~= true then
    return false, "send to own name: " .. tostring(err)
  end
  msg = receive(inbox)
  if msg:topic() ~= "by_name" or msg:payload():data() ~= 2 then
    return false, "wrong message by name"
  end

  -- A name registered by another process.
  local events = process.events()
  local reg = process.listen("registered")
  local worker = assert(process.spawn_monitored("test:registry_worker", "test:processes",
    process.pid(), "registry_worker_for_send"))
  local report = receive(reg)
  if report.ok ~= true then
    return false, "worker could not register: " .. tostring(report.err)
  end
  ok, err = process.send("registry_worker_for_send", "stop")
  if ok ~= true then
    return false, "send to a worker's name: " .. tostring(err)
  end
  local ev = receive(events)
  if ev.kind ~= process.event.EXIT or ev.from ~= worker or ev.result.value ~= "stopped" then
    return false, "worker did not stop through its name"
  end
  return true
end

return { main = main }
