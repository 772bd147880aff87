-- One process spawning different entries and hosts in turn gets each spawn right: the
-- ids of its last spawn are kept for the next (a relay spawns one entry over and over),
-- and a spawn with other ids must not reuse them.
local function exit_of(events, pid)
  local event = events:receive()
  if event.kind ~= process.event.EXIT or event.from ~= pid then
    error("expected the EXIT of " .. tostring(pid) .. ", got " .. tostring(event.kind) .. " from " .. tostring(event.from))
  end
  return event.result
end

local function main()
  local events = process.events()
  local plan = {
    { "test:normal_worker", 1 },
    { "test:normal_worker", 2 },
    { "test:return_worker", "false" },
    { "test:normal_worker", 3 },
    { "test:return_worker", "two_values" },
    { "test:return_worker", "two_values" },
    { "test:normal_worker", 4 },
  }
  local expected = { 1, 2, false, 3, "first", "first", 4 }
  for i, step in ipairs(plan) do
    local pid, err = process.spawn_monitored(step[1], "test:processes", step[2])
    if not pid then
      return false, "step " .. i .. ": " .. tostring(err)
    end
    local result = exit_of(events, pid)
    if result.value ~= expected[i] then
      return false, "step " .. i .. " (" .. step[1] .. "): result " .. type(result.value) .. " "
        .. tostring(result.value) .. ", expected " .. type(expected[i]) .. " " .. tostring(expected[i])
    end
  end
  -- After those, an unknown host and an unknown entry are still reported as such.
  local pid, err = process.spawn("test:normal_worker", "test:no_such_host")
  if pid ~= nil or not tostring(err):find("no_such_host", 1, true) then
    return false, "unknown host after repeated spawns: " .. tostring(pid) .. ", " .. tostring(err)
  end
  pid, err = process.spawn("test:no_such_entry", "test:processes")
  if pid ~= nil or not tostring(err):find("no_such_entry", 1, true) then
    return false, "unknown entry after repeated spawns: " .. tostring(pid) .. ", " .. tostring(err)
  end
  return true
end

return { main = main }
