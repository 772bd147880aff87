-- process.with_context(t) hands values to the child (read with ctx.get / ctx.all),
-- chained with_context calls add up, and a plain spawn hands a process's context on;
-- ctx.get of a missing key is nil, err NOT_FOUND, of an empty key nil, err INVALID.
local ctx = require("ctx")
local wait = require("wait")

local function main()
  local me = process.pid()
  local reports = process.listen("context")

  -- This process was spawned from outside any process: an empty context.
  local none, err = ctx.get("request_id")
  if none ~= nil or err == nil or err:kind() ~= errors.NOT_FOUND or err:message() ~= "key not found: request_id" then
    return false, "own context: " .. tostring(none) .. ", " .. tostring(err)
  end
  local _, empty_err = ctx.get("")
  if empty_err == nil or empty_err:kind() ~= errors.INVALID then
    return false, "empty key: " .. tostring(empty_err)
  end
  if next(ctx.all()) ~= nil then
    return false, "own context is not empty"
  end
  if pcall(ctx.get, {}) then
    return false, "a table key did not raise"
  end

  local spawner = process.with_context({ request_id = "req-123", user_id = 42, is_admin = true })
    :with_context({ trace = { id = "t1" } })
  assert(spawner:spawn("test:context_reporter_worker", "test:processes", me, "user_id", 1))
  local got = {}
  for _ = 1, 2 do
    local r = wait.receive(reports)
    got[r.depth] = r
  end
  for depth = 0, 1 do
    local r = got[depth]
    if r == nil then
      return false, "no report from depth " .. depth
    end
    if r.probe ~= 42 or r.probe_error ~= nil then
      return false, "depth " .. depth .. ": ctx.get('user_id') = " .. tostring(r.probe)
    end
    if r.values.request_id ~= "req-123" or r.values.is_admin ~= true or r.values.trace.id ~= "t1" then
      return false, "depth " .. depth .. ": ctx.all() lacks values"
    end
    if r.actor_id ~= nil or r.policies ~= nil then
      return false, "depth " .. depth .. ": an actor or scope from nowhere"
    end
  end

  -- A later with_context overrides a key; a missing key is NOT_FOUND in the child too.
  assert(process.with_context({ k = 1 }):with_context({ k = 2 })
    :spawn("test:context_reporter_worker", "test:processes", me, "k", 0))
  local r = wait.receive(reports)
  if r.probe ~= 2 then
    return false, "override: " .. tostring(r.probe)
  end
  assert(process.spawn("test:context_reporter_worker", "test:processes", me, "missing", 0))
  r = wait.receive(reports)
  if r.probe ~= nil or r.probe_error ~= errors.NOT_FOUND or next(r.values) ~= nil then
    return false, "plain spawn from a process without context"
  end
  return true
end

return { main = main }
