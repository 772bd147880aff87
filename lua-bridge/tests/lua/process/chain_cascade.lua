-- A chain of 5 linked processes: when the last fails, the failure travels back link
-- by link; every process of the chain exits with an error, and the trapping head
-- (this process) gets LINK_DOWN from the first.
local time = require("time")

local function main()
  assert(process.set_options({ trap_links = true }))
  local events = process.events()
  local reports = process.listen("chain")
  local first = assert(process.spawn_linked("test:chain_worker", "test:processes", 5, process.pid()))
  local pids = {}
  local leaf
  for _ = 1, 5 do
    local timeout = time.after("2s")
    local r = channel.select { reports:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "chain not built"
    end
    pids[r.value.pid] = true
    if r.value.depth == 1 then
      leaf = r.value.pid
    end
    assert(process.monitor(r.value.pid))
  end
  if not pids[first] then
    return false, "first link did not report"
  end
  process.send(leaf, "go")
  local exits, link_down = 0, false
  while exits < 5 or not link_down do
    local timeout = time.after("3s")
    local r = channel.select { events:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "cascade stopped: " .. exits .. " exits, link_down " .. tostring(link_down)
    end
    local ev = r.value
    if ev.kind == process.event.EXIT then
      if not pids[ev.from] then
        return false, "EXIT from a stranger"
      end
      if ev.result.error == nil then
        return false, "a chain link exited normally"
      end
      pids[ev.from] = nil
      exits = exits + 1
    elseif ev.kind == process.event.LINK_DOWN then
      if ev.from ~= first then
        return false, "LINK_DOWN from " .. tostring(ev.from) .. ", not the first link"
      end
      link_down = true
    end
  end
  return true
end

return { main = main }
