-- Process-local userdata (channels) cannot cross processes: inside a message they
-- arrive as nil, in messages and in spawn arguments.
local time = require("time")

local function main()
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
  -- As a spawn argument.
  local args = process.listen("args")
  assert(process.spawn("test:args_worker", "test:processes", process.pid(), ch, { ch = ch }))
  local t2 = time.after("2s")
  local a = channel.select { args:case_receive(), t2:case_receive() }
  if a.channel == t2 then
    return false, "args_worker did not report"
  end
  if a.value.args[1] ~= nil or a.value.args[2].ch ~= nil then
    return false, "a channel crossed processes as a spawn argument"
  end
  return true
end

return { main = main }
