-- A service process made by a registry change set (`registry/changes_run_services`):
-- tells `reporter` "started" with its tag, then "cancelled" with the tag when CANCEL
-- comes, and exits.
local function main(reporter, tag)
  process.send(reporter, "started", tag)
  local events = process.events()
  while true do
    local event = events:receive()
    if event.kind == process.event.CANCEL then
      process.send(reporter, "cancelled", tag)
      return 0
    end
  end
end

return { main = main }
