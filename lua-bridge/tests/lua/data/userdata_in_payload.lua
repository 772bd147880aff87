-- Process-local userdata (channels) cannot cross processes: inside a message they
-- arrive as nil (spawn arguments too).
local time = require("time")

local function main()
  time.sleep("20ms") -- settle: a new pid is published late (process/send_to_self_at_start)
  local ch = channel.new()
  local ok, err = process.send(process.pid(), "ud", { ch = ch, keep = 1 })
  if ok ~= true then
    -- Refusing the message is acceptable too.
    if err == nil then
      return false, "send neither succeeded nor gave an error"
    end
    return true
  end
  local inbox = process.inbox()
  local timeout = time.after("2s")
  local r = channel.select { inbox:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "nothing arrived"
  end
  local got = r.value:payload():data()
  if got.keep ~= 1 then
    return false, "table lost its plain fields"
  end
  if got.ch ~= nil then
    return false, "a channel crossed processes: " .. tostring(got.ch)
  end
  return true
end

return { main = main }
