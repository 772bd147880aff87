-- A process can send to its own pid from its very first instruction: its pid is
-- known to the runtime before it runs. Fresh workers (up to 5 rounds of 100) each
-- try once and report.
local time = require("time")

local function round(ch, n)
  for _ = 1, n do
    assert(process.spawn("test:self_send_worker", "test:processes", process.pid()))
  end
  local failures = {}
  for _ = 1, n do
    local timeout = time.after("2s")
    local r = channel.select { ch:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      error("a worker did not report")
    end
    if r.value.ok ~= true then
      table.insert(failures, tostring(r.value.err))
    end
  end
  return failures
end

local function main()
  local ch = process.listen("self_send")
  for i = 1, 5 do
    local failures = round(ch, 100)
    if #failures > 0 then
      return false, "round " .. i .. ": " .. #failures .. " of 100 workers could not send to themselves: " .. failures[1]
    end
  end
  return true
end

return { main = main }
