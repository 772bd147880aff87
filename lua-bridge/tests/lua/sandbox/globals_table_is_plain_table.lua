-- `_G` behaves as the plain table of every global the original's setup writes, whatever
-- a process does with it first: strict mode (`setmetatable(_G, ...)` whose `__index`
-- raises for a missing name) still reads every library and listed module, and
-- `getmetatable`, `rawget`, `next` and `pairs` see them all (the runtime builds globals
-- lazily, and builds them all on such a first use). Each case runs as the first use of
-- `_G` in a worker of its own.
local wait = require("wait")

local CASES = { "strict", "getmetatable", "rawget", "next", "pairs" }

local function main()
  local events = process.events()
  for _, case in ipairs(CASES) do
    process.spawn_monitored("test:globals_case_worker", "test:processes", case)
    local exit = wait.receive(events)
    if exit.result.error then
      return false, case .. ": worker failed: " .. tostring(exit.result.error)
    end
    if exit.result.value ~= true then
      return false, case .. ": " .. tostring(exit.result.value)
    end
  end
  return true
end

return { main = main }
