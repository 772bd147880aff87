-- security.new_actor / new_scope make an actor and a scope; a spawner's with_actor and
-- with_scope give them to the child (security.actor() / scope()), and a plain spawn
-- hands them on. A process without them gets nil; bad arguments raise.
local security = require("security")
local wait = require("wait")

local function main()
  local me = process.pid()
  local reports = process.listen("context")
  if security.actor() ~= nil or security.scope() ~= nil then
    return false, "an actor or scope from nowhere"
  end
  local actor = security.new_actor("user-7", { role = "admin", department = "engineering" })
  if actor:id() ~= "user-7" or actor:meta().role ~= "admin" then
    return false, "actor fields"
  end
  if next(security.new_actor("bare"):meta()) ~= nil then
    return false, "an actor without meta has meta"
  end
  local scope = security.new_scope()
  if #scope:policies() ~= 0 or #security.new_scope({ "not a policy" }):policies() ~= 0 then
    return false, "scope policies"
  end
  if pcall(security.new_actor, 42) or pcall(security.new_actor, "x", "meta")
    or pcall(security.new_scope, "policies") then
    return false, "bad arguments did not raise"
  end
  if pcall(function() return process.with_context({}):with_actor({ id = "forged" }) end) then
    return false, "with_actor took a table"
  end

  assert(process.with_context({}):with_actor(actor):with_scope(scope)
    :spawn_monitored("test:context_reporter_worker", "test:processes", me, "none", 1))
  local got = {}
  for _ = 1, 2 do
    local r = wait.receive(reports)
    got[r.depth] = r
  end
  for depth = 0, 1 do
    local r = got[depth]
    if r == nil or r.actor_id ~= "user-7" or r.actor_meta.department ~= "engineering" or r.policies ~= 0 then
      return false, "depth " .. depth .. ": actor " .. tostring(r and r.actor_id) .. ", policies " .. tostring(r and r.policies)
    end
  end
  return true
end

return { main = main }
