-- A ticker has `channel`, `response` and `stop`, and no `reset` (as the original's
-- ticker methods): `tk:reset(d)` raises as a call of a missing method; a timer has
-- `reset`.
local time = require("time")

local function main()
  local tk = assert(time.ticker("1h"))
  if tk.reset ~= nil then
    return false, "a ticker has a reset method"
  end
  local ok, err = pcall(function() return tk:reset("1s") end)
  if ok or not tostring(err):find("reset", 1, true) then
    return false, "tk:reset gave " .. tostring(ok) .. ", " .. tostring(err)
  end
  if type(tk.stop) ~= "function" or type(tk.channel) ~= "function" or tk:response() ~= tk:channel() then
    return false, "a ticker lost its methods"
  end
  if tk:stop() ~= true then
    return false, "ticker stop"
  end
  local tm = assert(time.timer("1h"))
  if tm:reset("2h") ~= true then
    return false, "timer reset"
  end
  tm:stop()
  return true
end

return { main = main }
