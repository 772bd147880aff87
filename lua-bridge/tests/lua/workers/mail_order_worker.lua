-- Reports ready to `parent`, sleeps while the parent sends to it, then takes three
-- values through one select over its inbox and its events (in arrival order) and sends
-- the parent what it got, as strings: a message's topic, or "CANCEL:<reason>".
local time = require("time")

local function main(parent)
  local inbox = process.inbox()
  local events = process.events()
  process.send(parent, "ready", process.pid())
  time.sleep("100ms")
  local got = {}
  for i = 1, 3 do
    local r = channel.select { inbox:case_receive(), events:case_receive() }
    if r.channel == events then
      got[i] = r.value.kind == process.event.CANCEL and ("CANCEL:" .. tostring(r.value.reason))
        or tostring(r.value.kind)
    else
      got[i] = r.value:topic()
    end
  end
  process.send(parent, "got", got)
  return 0
end

return { main = main }
