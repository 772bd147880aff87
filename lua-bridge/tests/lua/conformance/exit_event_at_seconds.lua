-- The `at` field of an EXIT event is the Unix time in whole seconds (R
-- engine/payload/convert.go GoToLua: time.Time -> LNumber(t.Unix())).
local receive = require("wait").receive

local function main()
  local events = process.events()
  assert(process.spawn_monitored("test:normal_worker", "test:processes"))
  local ev = receive(events)
  if type(ev.at) ~= "number" then
    return false, "at is a " .. type(ev.at)
  end
  if ev.at % 1 ~= 0 then
    return false, "at has a fraction: " .. tostring(ev.at)
  end
  if math.abs(ev.at - os.time()) > 2 then
    return false, "at " .. tostring(ev.at) .. " vs os.time() " .. tostring(os.time())
  end
  return true
end

return { main = main }
