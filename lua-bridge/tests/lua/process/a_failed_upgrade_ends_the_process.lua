-- An upgrade to an entry that is not in the registry, or that is no process.lua, ends
-- the process with "upgrade: create failed: ...", as the original's scheduler does; it
-- neither returns nor raises, so pcall does not catch it.
local wait = require("wait")

local function main()
  local events = process.events()
  local continued = process.listen("continued")
  for _, case in ipairs({
    { target = "test:no_such_entry", says = "not in the registry", kind = errors.NOT_FOUND },
    { target = "test:echo_fn", says = "not a process.lua", kind = errors.NOT_FOUND },
  }) do
    local pid = assert(process.spawn_monitored("test:upgrade_to_nowhere_worker",
      "test:processes", process.pid(), case.target))
    local exit = wait.receive(events)
    if exit.kind ~= process.event.EXIT or exit.from ~= pid then
      return false, case.target .. ": not the worker's EXIT: " .. tostring(exit.kind)
    end
    local err = exit.result.error
    if err == nil then
      return false, case.target .. ": the worker ended without an error: "
        .. tostring(exit.result.value)
    end
    local text = tostring(err)
    if not text:find("upgrade: create failed: ", 1, true) or not text:find(case.says, 1, true) then
      return false, case.target .. ": the error was " .. text
    end
    if err:kind() ~= case.kind then
      return false, case.target .. ": kind " .. tostring(err:kind())
    end
    local late = wait.try_receive(continued, "50ms")
    if late ~= nil then
      return false, case.target .. ": the upgrade returned: " .. tostring(late.err)
    end
  end
  return true
end

return { main = main }
