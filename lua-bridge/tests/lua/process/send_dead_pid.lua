-- Sending to a pid that has exited returns nil, err: "process not found", kind NOT_FOUND.
local time = require("time")

local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:normal_worker", "test:processes"))
  local timeout = time.after("2s")
  local r = channel.select { events:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no EXIT"
  end
  local ok, err = process.send(pid, "hello", 1)
  if ok ~= nil then
    return false, "send to a dead pid returned " .. tostring(ok)
  end
  if err == nil then
    return false, "no error for a dead pid"
  end
  if not tostring(err):find("process not found", 1, true) then
    return false, "error text: " .. tostring(err)
  end
  if err:kind() ~= errors.NOT_FOUND then
    return false, "error kind: " .. tostring(err:kind())
  end
  -- A well-formed pid that never existed.
  ok, err = process.send("{test:processes|0xfffff0}", "hello", 1)
  if ok ~= nil or not tostring(err):find("process not found", 1, true) then
    return false, "never-existing pid: " .. tostring(err)
  end
  return true
end

return { main = main }
