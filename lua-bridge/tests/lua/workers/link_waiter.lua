-- Links to a fresh error_worker (which fails after `delay`), reports "linked" to
-- `parent`, then waits on its inbox. With trap_links off it dies when the link goes down.
local function main(parent, delay)
  local pid, err = process.spawn_linked("test:error_worker", "test:processes", delay or "50ms")
  if not pid then
    error("spawn_linked failed: " .. tostring(err))
  end
  process.send(parent, "linked", pid)
  local inbox = process.inbox()
  while true do
    local msg = inbox:receive()
    if msg:topic() == "stop" then
      return "stopped"
    end
  end
end

return { main = main }
