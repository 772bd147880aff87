-- A process never sees what an earlier process left in its VM: workers run one after
-- another (so finished VMs are reused) and each checks for, then leaves behind, changes
-- to globals, libraries, metatables, the require cache and the random generator.
local time = require("time")

local ROUNDS = 40

local function main()
  local me = process.pid()
  local reports = process.listen("pristine")
  local events = process.events()
  local randoms = {}
  for round = 1, ROUNDS do
    process.spawn_monitored("test:polluter_worker", "test:processes", me, round)
    local timeout = time.after("2s")
    local r = channel.select { reports:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      return false, "round " .. round .. ": no report"
    end
    if #r.value.violations > 0 then
      return false, "round " .. round .. " saw: " .. table.concat(r.value.violations, ", ")
    end
    randoms[r.value.random] = true
    local exit = events:receive()
    if exit.kind ~= process.event.EXIT or exit.result.error then
      return false, "round " .. round .. ": worker failed: " .. tostring(exit.result.error)
    end
  end
  local distinct = 0
  for _ in pairs(randoms) do distinct = distinct + 1 end
  if distinct < ROUNDS - 1 then
    return false, "random sequences repeat: " .. distinct .. " distinct first numbers in " .. ROUNDS
  end
  return true
end

return { main = main }
