-- Spawners: messages reach the child in order and from no sender; a spawner is never
-- changed by its methods; a held name gets the messages instead of a new process (spawn
-- or signal); bad context or option tables, actors and scopes raise; spawn errors are
-- nil, err; the linked and monitored variants tie as process.spawn_* do.
local wait = require("wait")

local function main()
  local me = process.pid()
  local events = process.events()
  local collected = process.listen("collected")

  -- Messages in order, from nobody; the base spawner stays without messages.
  local base = process.with_options({ note = "kept" })
  local with_two = base:with_message("first", 1):with_message("second", { x = 2 })
  local pid = assert(with_two:spawn("test:collect_worker", "test:processes", me, 2))
  local report = wait.receive(collected)
  if report.topics[1] ~= "first" or report.topics[2] ~= "second" then
    return false, "topics " .. tostring(report.topics[1]) .. ", " .. tostring(report.topics[2])
  end
  if report.froms[1] ~= "" or report.froms[2] ~= "" then
    return false, "a spawner's message came from " .. tostring(report.froms[1])
  end
  if report.data[1] ~= 1 or report.data[2].x ~= 2 then
    return false, "message data"
  end
  local quiet = assert(base:spawn("test:collect_worker", "test:processes", me, 1))
  if wait.try_receive(collected, "100ms") ~= nil then
    return false, "the base spawner got the derived one's messages"
  end
  process.send(quiet, "by hand", 0)
  wait.receive(collected)

  -- Spawn or signal: the name's holder gets the message, and its PID comes back.
  local holder = assert(process.with_options({}):with_name("spawner_holder")
    :spawn_monitored("test:long_worker", "test:processes"))
  local again = process.with_options({}):with_name("spawner_holder"):with_message("stop")
    :spawn("test:long_worker", "test:processes")
  if again ~= holder then
    return false, "spawn with a held name returned " .. tostring(again) .. ", not the holder"
  end
  local exit = wait.receive(events)
  if exit.from ~= holder or exit.result.value ~= "stopped" then
    return false, "the holder did not get the message: " .. tostring(exit.from)
  end

  -- Linked and monitored.
  local tied = assert(process.with_context({ trace = "t1" })
    :spawn_linked_monitored("test:normal_worker", "test:processes", "tied"))
  exit = wait.receive(events)
  if exit.from ~= tied or exit.result.value ~= "tied" then
    return false, "spawn_linked_monitored EXIT " .. tostring(exit.from)
  end

  -- Spawn errors are nil, err.
  local none, err = base:spawn("test:no_such_entry", "test:processes")
  if none ~= nil or err == nil or err:kind() ~= errors.NOT_FOUND then
    return false, "unknown entry: " .. tostring(none) .. ", " .. tostring(err)
  end

  -- Bad input raises.
  local raises = {
    function() process.with_context({ [1] = "positional" }) end,
    function() process.with_options("not a table") end,
    function() base:with_options({ [true] = 1 }) end,
    function() base:with_name("") end,
    function() base:with_message("@reserved") end,
    function() base:with_actor({}) end,
    function() base:with_scope({}) end,
  }
  for i, f in ipairs(raises) do
    if pcall(f) then
      return false, "bad input " .. i .. " did not raise"
    end
  end
  if not tostring(base:with_name("n")):find("process.Spawner", 1, true) then
    return false, "tostring " .. tostring(base)
  end
  return true
end

return { main = main }
