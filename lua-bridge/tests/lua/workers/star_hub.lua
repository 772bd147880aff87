-- Spawns `n` linked long_workers, reports each pid to `parent` (topic "child"), waits.
local function main(parent, n)
  for _ = 1, n do
    local pid = assert(process.spawn_linked("test:long_worker", "test:processes"))
    process.send(parent, "child", pid)
  end
  local inbox = process.inbox()
  while true do
    local msg = inbox:receive()
    if msg:topic() == "stop" then
      return "stopped"
    end
  end
end

return { main = main }
