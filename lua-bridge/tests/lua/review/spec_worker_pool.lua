-- The spec's "Complete Example: Monitored Worker Pool": five spawn_monitored workers
-- get {task_id, value} tables, sleep 100ms and return value * 2; the parent tracks
-- them by event.from and sees each EXIT with event.error nil and the doubled value
-- (processes-and-messaging.txt, "Complete Example"; reference decision 5 for result).
local time = require("time")

local function main(task)
  if task ~= nil then
    time.sleep("100ms")
    local result = task.value * 2
    return result
  end
  local events_ch = process.events()
  local workers = {}
  local worker_count = 5
  for i = 1, worker_count do
    local worker_pid, err = process.spawn_monitored(
      process.id(),
      "test:processes",
      { task_id = i, value = i * 10 }
    )
    if err then
      return false, "spawn worker " .. i .. " failed: " .. err
    end
    workers[worker_pid] = { task_id = i, started = os.time() }
  end
  local completed = 0
  local timeout = time.after("10s")
  while completed < worker_count do
    local result = channel.select {
      events_ch:case_receive(),
      timeout:case_receive(),
    }
    if result.channel == timeout then
      return false, "timeout waiting for workers"
    end
    local event = result.value
    if event.kind == process.event.EXIT then
      local worker = workers[event.from]
      if not worker then
        return false, "EXIT from unknown pid " .. tostring(event.from)
      end
      if event.error then
        return false, "worker " .. worker.task_id .. " failed: " .. tostring(event.error)
      end
      print("Worker " .. worker.task_id .. " completed:", event.result)
      if type(event.result) ~= "table" or event.result.value ~= worker.task_id * 20 then
        return false, "worker " .. worker.task_id .. " result " .. tostring(event.result and event.result.value)
      end
      completed = completed + 1
    end
  end
  return true
end

return { main = main }
