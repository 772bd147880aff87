-- One link of a chain: reports {pid, depth} to `reporter` (topic "chain"), spawns the
-- next link linked to itself while depth > 1, then waits. The last link fails when it
-- gets "go"; the failure then travels back along the links.
local function main(depth, reporter)
  process.send(reporter, "chain", { pid = process.pid(), depth = depth })
  if depth > 1 then
    local pid, err = process.spawn_linked("test:chain_worker", "test:processes", depth - 1, reporter)
    if not pid then
      error("spawn_linked failed: " .. tostring(err))
    end
  end
  local inbox = process.inbox()
  while true do
    local msg = inbox:receive()
    if msg:topic() == "go" then
      error("chain end failed on purpose")
    end
  end
end

return { main = main }
