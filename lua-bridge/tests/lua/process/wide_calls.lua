-- Calls with many values at once work, however much of the C stack they take: a select
-- over 40 channels, a send of 60 payloads (received as 60 values), a spawn with 60
-- arguments, and a nested payload 100 levels deep.
local wait = require("wait")

local function main()
  local cases, chans = {}, {}
  for i = 1, 40 do
    chans[i] = channel.new(1)
    cases[i] = chans[i]:case_receive()
  end
  chans[37]:send("x")
  local r = channel.select(cases)
  if r.channel ~= chans[37] or r.value ~= "x" then
    return false, "select over 40 channels"
  end

  local values = {}
  for i = 1, 60 do values[i] = i end
  local me = process.pid()
  local wide = process.listen("wide")
  assert(process.send(me, "wide", table.unpack(values)))
  local got = wait.receive(wide)
  if type(got) ~= "table" or #got ~= 60 or got[60] ~= 60 then
    return false, "60 payloads: " .. tostring(got and #got)
  end

  local deep = {}
  local cur = deep
  for _ = 1, 100 do
    cur.next = {}
    cur = cur.next
  end
  cur.leaf = true
  assert(process.send(me, "wide", deep))
  local back = wait.receive(wide)
  for _ = 1, 100 do back = back.next end
  if back.leaf ~= true then
    return false, "deep payload"
  end

  local events = process.events()
  local pid = assert(process.spawn_monitored("test:arg_count_worker", "test:processes", table.unpack(values)))
  local exit = wait.receive(events)
  if exit.from ~= pid or exit.result.value ~= 60 then
    return false, "spawn with 60 arguments: " .. tostring(exit.result.value) .. " " .. tostring(exit.result.error)
  end
  return true
end

return { main = main }
