-- A hub linked to 10 children (star_hub): when the hub is terminated, every child
-- dies with an error (trap_links is off), seen through monitors from this process.
local time = require("time")

local function main()
  local events = process.events()
  local children = {}
  local hub = assert(process.spawn_monitored("test:star_hub", "test:processes", process.pid(), 10))
  local reports = process.listen("child")
  for _ = 1, 10 do
    local timeout = time.after("2s")
    local r = channel.select { reports:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "children not spawned"
    end
    children[r.value] = true
    assert(process.monitor(r.value))
  end
  assert(process.terminate(hub))
  local dead = 0
  local hub_dead = false
  while dead < 10 or not hub_dead do
    local timeout = time.after("3s")
    local r = channel.select { events:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "only " .. dead .. " children died"
    end
    local ev = r.value
    if ev.kind == process.event.EXIT then
      if ev.from == hub then
        if ev.result.error == nil then
          return false, "terminated hub exited normally"
        end
        hub_dead = true
      elseif children[ev.from] then
        if ev.result.error == nil then
          return false, "a child exited normally"
        end
        children[ev.from] = nil
        dead = dead + 1
      end
    end
  end
  return true
end

return { main = main }
