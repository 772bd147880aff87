-- Spawns test:long_worker linked to itself, sends its pid to `parent` (topic "child"),
-- waits for "fail" on its inbox, then raises.
local function main(parent)
  local child = assert(process.spawn_linked("test:long_worker", "test:processes"))
  process.send(parent, "child", child)
  local inbox = process.inbox()
  while true do
    local msg = inbox:receive()
    if msg:topic() == "fail" then
      error("parent failed on purpose")
    end
  end
end

return { main = main }
