-- One select over the inbox, a listen channel and the events channel routes each
-- arrival to the right case.
local time = require("time")

local function main()
  local inbox = process.inbox()
  local events = process.events()
  local special = process.listen("special")
  process.send(process.pid(), "special", "s")
  process.send(process.pid(), "plain", "p")
  local pid = assert(process.spawn_monitored("test:normal_worker", "test:processes", "exit"))
  local seen = {}
  for _ = 1, 3 do
    local timeout = time.after("2s")
    local r = channel.select {
      inbox:case_receive(), special:case_receive(), events:case_receive(), timeout:case_receive(),
    }
    if r.channel == timeout then
      return false, "missing arrivals"
    elseif r.channel == inbox then
      seen.inbox = r.value:payload():data()
    elseif r.channel == special then
      seen.special = r.value
    elseif r.channel == events then
      seen.exit = r.value.from == pid and r.value.result.value
    end
  end
  if seen.inbox ~= "p" or seen.special ~= "s" or seen.exit ~= "exit" then
    return false, "routing: inbox=" .. tostring(seen.inbox) .. " special=" .. tostring(seen.special)
        .. " exit=" .. tostring(seen.exit)
  end
  return true
end

return { main = main }
