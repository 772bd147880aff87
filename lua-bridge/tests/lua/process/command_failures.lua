-- monitor, link, terminate and cancel of a process that is gone fail as the original's
-- commands do: nil and an error of kind INTERNAL, not retryable, whose text carries the
-- context "<call> failed" ("pid not registered" for monitor and link, "process not
-- found" for terminate and cancel); a name that resolves to nothing keeps its NOT_FOUND
-- "could not resolve" error. With no destination at all they return nil and an INVALID
-- error; a destination of another type raises, and so does an explicit nil reason of
-- cancel.
local wait = require("wait")

local function check(what, ok, err, text)
  assert(ok == nil, what .. ": " .. tostring(ok))
  assert(err and err:kind() == errors.INTERNAL, what .. ": kind " .. tostring(err and err:kind()))
  assert(err:retryable() == false, what .. ": retryable")
  assert(tostring(err) == text, what .. ": " .. tostring(err))
end

local function main()
  local events = process.events()
  local dead = assert(process.spawn_monitored("test:normal_worker", "test:processes"))
  wait.receive(events)

  local ok, err = process.monitor(dead)
  check("monitor", ok, err, "monitor failed: pid not registered")
  assert(err:message() == "pid not registered", err:message())
  ok, err = process.link(dead)
  check("link", ok, err, "link failed: pid not registered")
  ok, err = process.terminate(dead)
  check("terminate", ok, err, "terminate failed: process not found")
  ok, err = process.cancel(dead, "why")
  check("cancel", ok, err, "cancel failed: process not found")

  ok, err = process.monitor("no_such_name")
  assert(ok == nil and err:kind() == errors.NOT_FOUND, tostring(err))
  assert(tostring(err):find("could not resolve", 1, true), tostring(err))

  for _, call in ipairs({ "monitor", "unmonitor", "link", "unlink" }) do
    ok, err = process[call]()
    assert(ok == nil and err:kind() == errors.INVALID, call .. ": " .. tostring(err))
    assert(tostring(err) == call .. " requires a destination argument", tostring(err))
    local raised, msg = pcall(process[call], {})
    assert(not raised and tostring(msg):find("bad argument #1 to '" .. call .. "' (string expected, got table)", 1, true),
      call .. ": " .. tostring(msg))
  end
  ok, err = process.cancel()
  assert(ok == nil and tostring(err) == "cancel requires at least destination argument", tostring(err))
  local raised, msg = pcall(process.terminate)
  assert(not raised and tostring(msg):find("bad argument #1 to 'terminate'", 1, true), tostring(msg))

  local live = assert(process.spawn("test:long_worker", "test:processes"))
  raised, msg = pcall(process.cancel, live, nil)
  assert(not raised and tostring(msg):find("bad argument #2 to 'cancel' (string expected, got nil)", 1, true),
    tostring(msg))
  assert(process.cancel(live) == true)
  assert(process.terminate(live) == true)
  return true
end

return { main = main }
