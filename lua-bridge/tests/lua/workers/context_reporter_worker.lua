-- Reports its context to `parent` (topic "context"): every ctx value, what ctx.get says
-- for `probe`, and its security actor (id, meta) and scope (policy count). With `depth`
-- above 0 it first spawns itself with a plain spawn (which inherits the context), one
-- level down, and the grandchild reports too.
local ctx = require("ctx")
local security = require("security")

local function main(parent, probe, depth)
  if depth and depth > 0 then
    process.spawn("test:context_reporter_worker", "test:processes", parent, probe, depth - 1)
  end
  local all = ctx.all()
  local value, err = ctx.get(probe)
  local actor = security.actor()
  local scope = security.scope()
  process.send(parent, "context", {
    depth = depth or 0,
    values = all,
    probe = value,
    probe_error = err and err:kind() or nil,
    actor_id = actor and actor:id() or nil,
    actor_meta = actor and actor:meta() or nil,
    policies = scope and #scope:policies() or nil,
  })
  return true
end

return { main = main }
