-- Spawn arguments reach main(...) in order, as deep copies: nested tables arrive whole,
-- and changing them after the spawn does not change what the child got.
local time = require("time")

local function main()
  local nested = { a = { b = { c = 3 } }, list = { 1, 2, 3 }, name = "n" }
  local pid, err = process.spawn("test:args_worker", "test:processes",
    process.pid(), 1, "two", nested, true, 2.5)
  if not pid then
    return false, "spawn failed: " .. tostring(err)
  end
  -- Mutate everything after the spawn.
  nested.a.b.c = 99
  nested.list[1] = 100
  nested.name = "changed"
  nested.extra = true

  local ch = process.listen("args")
  local timeout = time.after("2s")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "no args report"
  end
  local got = r.value
  if got.n ~= 5 then
    return false, "child got " .. tostring(got.n) .. " args, expected 5"
  end
  local a = got.args
  if a[1] ~= 1 or math.type(a[1]) ~= "integer" then
    return false, "arg 1: " .. tostring(a[1])
  end
  if a[2] ~= "two" then
    return false, "arg 2: " .. tostring(a[2])
  end
  local t = a[3]
  if type(t) ~= "table" then
    return false, "arg 3 is a " .. type(t)
  end
  if t.a.b.c ~= 3 then
    return false, "mutation after spawn visible: c = " .. tostring(t.a.b.c)
  end
  if t.list[1] ~= 1 or t.list[2] ~= 2 or t.list[3] ~= 3 or #t.list ~= 3 then
    return false, "list arg changed"
  end
  if t.name ~= "n" or t.extra ~= nil then
    return false, "table arg changed after spawn"
  end
  if a[4] ~= true then
    return false, "arg 4: " .. tostring(a[4])
  end
  if a[5] ~= 2.5 then
    return false, "arg 5: " .. tostring(a[5])
  end
  return true
end

return { main = main }
