-- time.after, time.timer and time.ticker take a Duration userdata as well as strings and
-- numbers (reference §1.5: "Durations can be a number (nanoseconds), a Go duration
-- string, or a Duration userdata").
local time = require("time")
local receive = require("wait").receive

local function main()
  local d = assert(time.parse_duration("20ms"))
  local ch, err = time.after(d)
  if ch == nil then
    return false, "after(Duration): " .. tostring(err)
  end
  receive(ch)
  local t, terr = time.timer(d)
  if t == nil then
    return false, "timer(Duration): " .. tostring(terr)
  end
  receive(t:response())
  local tk, tkerr = time.ticker(d)
  if tk == nil then
    return false, "ticker(Duration): " .. tostring(tkerr)
  end
  receive(tk:response())
  tk:stop()
  return true
end

return { main = main }
