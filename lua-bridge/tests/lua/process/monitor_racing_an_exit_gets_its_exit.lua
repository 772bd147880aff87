-- A monitor or a link that succeeds while its target is ending gets that target's EXIT
-- (or LINK_DOWN, links trapped): the target's exit protocol marks it exited for good,
-- so the tie either fails (the target is gone) or is in place before the notices go
-- out. Found by session 52's chaos probe: about one monitor in a thousand that raced
-- an exit returned true and never got its EXIT.
local try_receive = require("wait").try_receive

-- Spawns `n` processes of `entry`, ties each at once with `tie`, and returns the ones
-- tied (a set of pids) and how many there were.
local function tie_many(entry, n, tie)
  local tied, count = {}, 0
  for i = 1, n do
    local pid = assert(process.spawn(entry, "test:processes"))
    -- Now and then let the child run meanwhile, on this worker or the other.
    for _ = 1, i % 4 do
      coroutine.yield()
    end
    if tie(pid) then
      tied[pid] = true
      count = count + 1
    end
  end
  return tied, count
end

-- Takes `kind` events until every tied pid had one; false and why if one is missing.
local function every_tie_told(events, kind, tied, count)
  while count > 0 do
    local event = try_receive(events, "3s")
    if event == nil then
      local some
      for pid in pairs(tied) do
        some = pid
        break
      end
      return false, count .. " ties never got their " .. kind .. ", " .. tostring(some) .. " among them"
    end
    if event.kind == kind and tied[event.from] then
      tied[event.from] = nil
      count = count - 1
    end
  end
  return true
end

local function main()
  local events = process.events()
  local tied, count = tie_many("test:normal_worker", 20000, process.monitor)
  local ok, why = every_tie_told(events, process.event.EXIT, tied, count)
  if not ok then
    return false, "monitor: " .. why
  end
  process.set_options({ trap_links = true })
  tied, count = tie_many("test:error_worker", 5000, process.link)
  ok, why = every_tie_told(events, process.event.LINK_DOWN, tied, count)
  if not ok then
    return false, "link: " .. why
  end
  return true
end

return { main = main }
