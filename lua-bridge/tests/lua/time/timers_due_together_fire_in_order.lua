-- Timers that come due in the same step wake in the order they were asked for (they
-- used to wake in the order of a hash map), and a process's many waiting timers do
-- not keep the others from firing: stopped, reset and long ones among them.
local time = require("time")

local function main()
  -- Twenty coroutines sleep the same time from one step: they wake in order.
  local woke, done = {}, channel.new(20)
  for i = 1, 20 do
    coroutine.spawn(function()
      time.sleep("30ms")
      woke[#woke + 1] = i
      done:send(true)
    end)
  end
  for _ = 1, 20 do done:receive() end
  for i = 1, 20 do
    if woke[i] ~= i then
      local seen = {}
      for j, v in ipairs(woke) do seen[j] = tostring(v) end
      return false, "equal sleeps woke as " .. table.concat(seen, ",")
    end
  end

  -- Many long timers wait, most of them stopped, some reset: the short ones still fire,
  -- each once, when they are due.
  local long = {}
  for i = 1, 500 do
    long[i] = time.timer("1h")
  end
  for i = 1, 450 do
    long[i]:stop()
  end
  local moved = time.timer("1h")
  moved:reset("20ms")
  local early = time.timer("1h")
  early:reset("10ms")
  early:reset("40ms")
  local t0 = time.now()
  local r = channel.select { moved:channel():case_receive(), early:channel():case_receive() }
  if r.channel ~= moved:channel() then
    return false, "the timer reset to 20ms did not fire first"
  end
  r = channel.select { early:channel():case_receive(), time.after("2s"):case_receive() }
  if r.channel ~= early:channel() then
    return false, "the timer reset twice did not fire"
  end
  local waited = time.now():sub(t0):milliseconds()
  if waited < 39 then
    return false, "the timer reset to 40ms fired after " .. waited .. "ms"
  end
  -- A ticker among them keeps ticking.
  local ticker = time.ticker("5ms")
  for _ = 1, 3 do
    local got = channel.select { ticker:channel():case_receive(), time.after("2s"):case_receive() }
    if got.channel ~= ticker:channel() then
      return false, "the ticker stopped ticking"
    end
  end
  ticker:stop()
  for i = 451, 500 do
    if not long[i]:stop() then
      return false, "long timer " .. i .. " was not active any more"
    end
  end
  return true
end

return { main = main }
