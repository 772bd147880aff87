-- process.with_options/with_context return an immutable Spawner; :with_name registers
-- the child's name at spawn; :with_message sends it a message after the spawn;
-- :spawn_monitored works like process.spawn_monitored.
local time = require("time")

local function main()
  if type(process.with_options) ~= "function" or type(process.with_context) ~= "function" then
    return false, "process.with_options / with_context are missing"
  end
  local events = process.events()
  local base = process.with_options({})
  local named = base:with_name("spawner_child")
  if named == base then
    return false, "Spawner methods must return a new Spawner"
  end
  local pid, err = named:with_message("stop"):spawn_monitored("test:long_worker", "test:processes")
  if not pid then
    return false, "spawner spawn failed: " .. tostring(err)
  end
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "with_message did not reach the child"
  end
  if r.value.from ~= pid or r.value.result.value ~= "stopped" then
    return false, "unexpected EXIT"
  end
  local pid2 = assert(base:with_name("spawner_child2"):spawn("test:long_worker", "test:processes"))
  if process.registry.lookup("spawner_child2") ~= pid2 then
    return false, "with_name did not register the child"
  end
  process.send(pid2, "stop")
  local ctx_pid = assert(process.with_context({ request_id = "r1" }):spawn("test:normal_worker", "test:processes"))
  if type(ctx_pid) ~= "string" then
    return false, "with_context spawn"
  end
  return true
end

return { main = main }
