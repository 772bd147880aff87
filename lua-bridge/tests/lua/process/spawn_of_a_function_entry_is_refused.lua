-- process.spawn* and process.exec start only process.lua entries: a function.lua entry
-- is refused with nil, err (NOT_FOUND; exec's is INTERNAL "exec failed: ...", as its
-- command results are), as the original has no process factory for it (funcs.call and
-- `wippy run -x` still run functions).
local function main()
  local calls = {
    { "spawn", process.spawn, errors.NOT_FOUND },
    { "spawn_monitored", process.spawn_monitored, errors.NOT_FOUND },
    { "spawn_linked", process.spawn_linked, errors.NOT_FOUND },
    { "spawn_linked_monitored", process.spawn_linked_monitored, errors.NOT_FOUND },
    { "exec", process.exec, errors.INTERNAL },
  }
  for _, call in ipairs(calls) do
    local pid, err = call[2]("test:echo_fn", "test:processes", "x")
    if pid ~= nil or err == nil then
      return false, call[1] .. " started a function entry: " .. tostring(pid)
    end
    if err:kind() ~= call[3] then
      return false, call[1] .. ": kind " .. tostring(err:kind()) .. ": " .. tostring(err)
    end
    if not tostring(err):find("test:echo_fn", 1, true) then
      return false, call[1] .. ": the error does not name the entry: " .. tostring(err)
    end
  end
  -- A process entry still spawns.
  local pid, err = process.spawn("test:upgrade_to_nowhere_worker", "test:processes",
    process.pid(), "test:no_such_entry")
  if pid == nil then
    return false, "a process.lua entry was refused: " .. tostring(err)
  end
  return true
end

return { main = main }
