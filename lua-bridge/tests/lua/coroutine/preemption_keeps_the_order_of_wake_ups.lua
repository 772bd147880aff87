-- A preemption changes nothing the process's code can see of the order in which its
-- coroutines run: a timer that comes due while `main` is preempted in a long loop is
-- taken once nothing of the process is ready, as in a step of the original (which
-- reads its events only at its start), so a coroutine that yielded before it goes
-- first. Session 52's probe found the timer's coroutine run ahead of it.
local function busy(ms)
  local t0 = os.clock()
  while os.clock() - t0 < ms / 1000 do end
end

local function main()
  local ran = {}
  coroutine.spawn(function()
    coroutine.yield()
    ran[#ran + 1] = "Y"
  end)
  coroutine.spawn(function()
    time.sleep("1ms")
    ran[#ran + 1] = "T"
  end)
  busy(100)
  coroutine.yield()
  local after_yield = table.concat(ran, " ")
  time.sleep("20ms")
  local at_end = table.concat(ran, " ")
  if after_yield ~= "Y" or at_end ~= "Y T" then
    return false, "after main's yield: [" .. after_yield .. "], at the end: [" .. at_end .. "]"
  end
  return true
end

return { main = main }
