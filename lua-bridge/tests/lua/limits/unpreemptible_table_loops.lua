-- A process looping inside one C call of the table library (table.move, insert or
-- remove of 2^63 items: a huge range, a huge __len; nothing allocated) is stopped about
-- a second past
-- its slice with an error that says so; meanwhile, with such loops on a 2-worker
-- host, the rest still runs once they are stopped, and a terminate of one is answered by
-- its EXIT. The loops may hold both workers until they are stopped, so this process can
-- wake from its sleep after the one it terminates has ended: then terminate says so.
local time = require("time")

local function main()
  local events = process.events()
  local loopers = {}
  local ways = { "move", "move_back", "insert", "remove" }
  for _, how in ipairs(ways) do
    local pid = assert(process.spawn_monitored("test:callback_loop_worker", "test:processes", how))
    loopers[pid] = how
  end
  local some = next(loopers)
  time.sleep("50ms")
  local terminated, terminate_err = process.terminate(some)
  if not terminated and not tostring(terminate_err):find("not found", 1, true) then
    return false, "terminate: " .. tostring(terminate_err)
  end
  for _ = 1, #ways do
    local timeout = time.after("5s")
    local r = channel.select { events:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "a loop in the table library was never stopped"
    end
    local e = r.value
    local how = loopers[e.from]
    if not how then
      return false, "EXIT from an unknown process " .. tostring(e.from)
    end
    loopers[e.from] = nil
    if e.from ~= some then
      local text = tostring(e.result.error)
      if not text:find("cannot be preempted", 1, true) then
        return false, how .. ": " .. text
      end
    end
  end
  return true
end

return { main = main }
