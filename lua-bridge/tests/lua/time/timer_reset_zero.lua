-- timer:reset(d) refuses d <= 0 by raising "timer:reset: duration must be > 0" (as the
-- original; the timer constructors return nil, err instead), and the timer is unchanged.
local time = require("time")

local function main()
  local t = assert(time.timer("20ms"))
  for _, d in ipairs({ 0, "0s" }) do
    local called, err = pcall(t.reset, t, d)
    if called then
      return false, "reset(" .. tostring(d) .. ") was accepted"
    end
    if not tostring(err):find("timer:reset: duration must be > 0", 1, true) then
      return false, "reset(" .. tostring(d) .. ") raised: " .. tostring(err)
    end
  end
  local called, err = pcall(t.reset, t, "bogus")
  if called or not tostring(err):find("timer:reset:", 1, true) then
    return false, "reset(bogus): " .. tostring(called) .. " " .. tostring(err)
  end
  -- Still armed for its first 20 ms.
  local r = channel.select { t:channel():case_receive(), time.after("2s"):case_receive() }
  if r.channel ~= t:channel() then
    return false, "the timer did not fire after the refused resets"
  end
  return true
end

return { main = main }
